import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords, readFailure } from '../../src/modules/ingest/reading/file-reader';
import { XlsxLimits } from '../../src/modules/ingest/reading/workbook-zip';
import { emptyRows, lyingAboutSizes, peopleRows, zippedWorkbook } from '../support/workbooks';

/**
 * What an XLSX may unpack to (MAX_XLSX_UNPACKED_BYTES, MAX_XLSX_RATIO) is counted on the bytes actually unpacked,
 * not only on the sizes the zip declares; and a reading stopped by its signal stops at once, leaving nothing.
 */
const TOO_LARGE = 'This workbook unpacks to far more data than a list of signatures can hold';
const limits: XlsxLimits = { maxXlsxUnpackedBytes: 768 * 1024 * 1024, maxXlsxRatio: 100 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xlsx-limits-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fixture(name: string, content: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Reads every record; returns them with what went wrong (as ParseService reports it) and the bytes exceljs was given. */
async function readAll(path: string, readLimits = limits): Promise<{ records: string[][]; error: string | null; bytesRead: number }> {
  let bytesRead = 0;
  const records: string[][] = [];
  try {
    const source = await openRecords(path, { limits: readLimits, onBytes: (n) => (bytesRead = n) });
    for await (const record of source.records) records.push(record);
    return { records, error: null, bytesRead };
  } catch (error) {
    return { records, error: (readFailure(error) as Error).message, bytesRead };
  }
}

/** exceljs's temporary copies of sheets, named by the `tmp` package. */
async function exceljsTempFiles(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`));
}

describe('XLSX limits, counted while the workbook unpacks', () => {
  it('stops a zip bomb that declares no more than it packs before exceljs gets a byte of its sheet', async () => {
    const bomb = await zippedWorkbook(emptyRows(40));
    const path = await fixture('lying-bomb.xlsx', lyingAboutSizes(bomb));
    const { records, error, bytesRead } = await readAll(path);
    expect(error).toContain(TOO_LARGE);
    expect(error).toContain('more than 768 MB, or a part more than 100 times its packed size');
    expect(records).toEqual([]);
    expect(bytesRead).toBeLessThan(1024); // the workbook and its relationships, packed: nothing of the sheet
  });

  it('stops a workbook that lies about its sizes once it has unpacked past MAX_XLSX_UNPACKED_BYTES', async () => {
    const small = { ...limits, maxXlsxUnpackedBytes: 512 * 1024 };
    const honest = await zippedWorkbook(peopleRows(20_000)); // about 1.6 MB of XML
    expect((await readAll(await fixture('honest.xlsx', honest), small)).error).toContain(TOO_LARGE); // by what it declares

    const { records, error } = await readAll(await fixture('lying.xlsx', lyingAboutSizes(honest)), small);
    expect(error).toContain(TOO_LARGE); // by what it unpacked, before the end of the sheet
    expect(records.length).toBeLessThan(20_000);
  });

  it('reads a workbook within the limits, and a zip64 one', async () => {
    for (const forceZip64 of [false, true]) {
      const path = await fixture(`people-${forceZip64}.xlsx`, await zippedWorkbook(peopleRows(3), { forceZip64 }));
      expect(await readAll(path)).toMatchObject({
        error: null,
        records: [['Full name', 'Email'], ['Person 0', 'person0@example.org'], ['Person 1', 'person1@example.org'], ['Person 2', 'person2@example.org']],
      });
    }
  });
});

describe('a reading stopped by its signal', () => {
  it.each([
    ['xlsx', () => zippedWorkbook(peopleRows(50_000))],
    ['csv', async () => 'Full name,Email\n' + [...Array(50_000).keys()].map((i) => `Person ${i},person${i}@example.org\n`).join('')],
  ])('fails the %s records at once and leaves no file', async (format, content) => {
    const tempFilesBefore = await exceljsTempFiles();
    const controller = new AbortController();
    const { records } = await openRecords(await fixture(`stopped.${format}`, await content()), { limits, signal: controller.signal });
    const iterator = records[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(['Full name', 'Email']);
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(records.destroyed).toBe(true);
    expect(await exceljsTempFiles()).toEqual(tempFilesBefore);
  });
});
