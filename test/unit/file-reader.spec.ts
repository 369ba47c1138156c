import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { openRecords, readFailure } from '../../src/modules/ingest/reading/file-reader';
import { ParseFailure } from '../../src/modules/ingest/reading/parse-failure';

const EXPORT_ADVICE = 'Export the signatures as CSV or XLSX and upload that file.';
/** What an XLSX may unpack to (MAX_XLSX_UNPACKED_BYTES, MAX_XLSX_RATIO): ample for these files. */
const limits = { maxXlsxUnpackedBytes: 64 * 1024 * 1024, maxXlsxRatio: 100 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-reader-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Opens the file and reads every record, keeping the last progress report. */
async function readAll(path: string) {
  let bytesRead = 0;
  const source = await openRecords(path, { limits, onBytes: (n) => (bytesRead = n) });
  const records: string[][] = [];
  for await (const record of source.records) records.push(record);
  return { format: source.format, encoding: source.encoding, delimiter: source.delimiter, records, bytesRead };
}

/** The error a consumer ends up with, after `readFailure` as ParseService applies it. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => readFailure(e),
  );
  expect(error).toBeInstanceOf(ParseFailure);
  return (error as ParseFailure).message;
}

/** Windows-1252 bytes for Latin-1 text plus the few characters it places at 0x80–0x9F. */
function cp1252(text: string): Buffer {
  const high: Record<string, number> = { '€': 0x80, '’': 0x92, 'œ': 0x9c };
  return Buffer.from([...text].map((c) => high[c] ?? c.charCodeAt(0)));
}

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

describe('openRecords: CSV', () => {
  it('reads UTF-8 without a BOM, reporting progress up to the file size', async () => {
    const path = await fixture('plain.csv', 'First name,Last name,Email\nAna,Silva,ana@example.org\nJosé,Müller,jose@example.org\n');
    const result = await readAll(path);
    expect(result).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      records: [
        ['First name', 'Last name', 'Email'],
        ['Ana', 'Silva', 'ana@example.org'],
        ['José', 'Müller', 'jose@example.org'],
      ],
      bytesRead: (await stat(path)).size,
    });
  });

  it('reads UTF-8 with a BOM, semicolons and Dutch headers, dropping the BOM from the first header', async () => {
    const path = await fixture('dutch.csv', '\uFEFFVoornaam;Achternaam;E-mailadres;Postcode\nJan;de Vries;jan@example.nl;1234 AB\n');
    const result = await readAll(path);
    expect([result.encoding, result.delimiter]).toEqual(['utf-8 (BOM)', ';']);
    expect(result.records).toEqual([
      ['Voornaam', 'Achternaam', 'E-mailadres', 'Postcode'],
      ['Jan', 'de Vries', 'jan@example.nl', '1234 AB'],
    ]);
  });

  it('reads UTF-16LE with a BOM and tabs', async () => {
    const path = await fixture('utf16le.tsv', utf16le('Prénom\tNom\tCourriel\r\nZoë\tŁukasiewicz\tzoe@example.org\r\n'));
    const result = await readAll(path);
    expect([result.encoding, result.delimiter]).toEqual(['utf-16le', '\t']);
    expect(result.records).toEqual([
      ['Prénom', 'Nom', 'Courriel'],
      ['Zoë', 'Łukasiewicz', 'zoe@example.org'],
    ]);
  });

  it('reads UTF-16BE with a BOM', async () => {
    const path = await fixture('utf16be.csv', utf16be('名,姓,电子邮件\n伟,王,wei@example.cn\n'));
    const result = await readAll(path);
    expect([result.encoding, result.delimiter]).toEqual(['utf-16be', ',']);
    expect(result.records).toEqual([
      ['名', '姓', '电子邮件'],
      ['伟', '王', 'wei@example.cn'],
    ]);
  });

  it('reads Windows-1252, including the characters it keeps at 0x80–0x9F', async () => {
    const path = await fixture('cp1252.csv', cp1252('Prénom;Nom;Courriel;Don\r\nAndré;O’Brien;andre@example.fr;5 €\r\nFrançois;Cœur;francois@example.fr;\r\n'));
    const result = await readAll(path);
    expect([result.encoding, result.delimiter]).toEqual(['windows-1252', ';']);
    expect(result.records).toEqual([
      ['Prénom', 'Nom', 'Courriel', 'Don'],
      ['André', 'O’Brien', 'andre@example.fr', '5 €'],
      ['François', 'Cœur', 'francois@example.fr', ''],
    ]);
  });

  it('detects Windows-1252 when the first non-ASCII byte comes after 100 KiB of ASCII', async () => {
    const ascii = Array.from({ length: 4000 }, (_, i) => `Person ${i};Example;person${i}@example.org\n`).join('');
    expect(ascii.length).toBeGreaterThan(100 * 1024);
    const path = await fixture('late-cp1252.csv', Buffer.concat([cp1252('Prenom;Nom;Courriel\n' + ascii), cp1252('Zoë;Brontë;zoe@example.org\n')]));
    const result = await readAll(path);
    expect([result.encoding, result.delimiter]).toEqual(['windows-1252', ';']);
    expect(result.records).toHaveLength(4002);
    expect(result.records[4001]).toEqual(['Zoë', 'Brontë', 'zoe@example.org']);
  });

  it('detects a | delimiter', async () => {
    const result = await readAll(await fixture('pipe.csv', 'name|email\nAna Silva|ana@example.org\n'));
    expect(result.delimiter).toBe('|');
    expect(result.records).toEqual([
      ['name', 'email'],
      ['Ana Silva', 'ana@example.org'],
    ]);
  });

  it('reads CRLF line ends and skips empty lines', async () => {
    const result = await readAll(await fixture('crlf.csv', 'name,email\r\nAna,ana@example.org\r\n\r\nBo,bo@example.org\r\n'));
    expect(result.records).toEqual([
      ['name', 'email'],
      ['Ana', 'ana@example.org'],
      ['Bo', 'bo@example.org'],
    ]);
  });

  it('keeps a newline inside a quoted field', async () => {
    const result = await readAll(await fixture('multiline.csv', 'name,comment\n"Ana","first line\nsecond line, with a comma"\nBo,ok\n'));
    expect(result.records).toEqual([
      ['name', 'comment'],
      ['Ana', 'first line\nsecond line, with a comma'],
      ['Bo', 'ok'],
    ]);
  });

  it('keeps multibyte characters that straddle two read chunks', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`王小明${i}`, '北京市朝阳区', `user${i}@example.cn`]);
    const body = rows.map((row) => row.join(',') + '\n').join('');
    // Pad the header until byte 65,536, where the first read chunk ends, is in the middle of a character.
    let header = 'Name,City,Email';
    while ((Buffer.from(`${header}\n${body}`)[64 * 1024] & 0xc0) !== 0x80) header += ' ';
    const path = await fixture('cjk.csv', `${header}\n${body}`);
    expect((await stat(path)).size).toBeGreaterThan(2 * 64 * 1024);

    const result = await readAll(path);
    expect(result.encoding).toBe('utf-8');
    expect(result.records).toEqual([['Name', 'City', header.slice('Name,City,'.length)], ...rows]);
    expect(result.bytesRead).toBe((await stat(path)).size);
  });

  it('reads the file only as fast as the records are consumed', async () => {
    const path = await fixture('large.csv', 'name,email\n' + 'Ana,ana@example.org\n'.repeat(200_000));
    let bytesRead = 0;
    const { records } = await openRecords(path, { limits, onBytes: (n) => (bytesRead = n) });
    await new Promise((resolve) => records.once('readable', resolve));
    expect(records.read()).toEqual(['name', 'email']);
    await new Promise((resolve) => setTimeout(resolve, 100)); // time enough to read 4 MB if nothing held it back
    expect(bytesRead).toBeLessThan(1024 * 1024);
    records.destroy();
  });

  it('fails with a line number when a quote is never closed', async () => {
    const path = await fixture('unclosed.csv', 'name,email\nAna,ana@example.org\n"Bo,bo@example.org\nCy,cy@example.org\n');
    expect(await failure(readAll(path))).toBe(
      'The file is not readable as CSV (line 4: the file ends inside a quoted field; the quote opened in row 3, counting the header row, is never closed). ' +
        'Export it again as CSV and upload the new file.',
    );
  });

  it('fails on a quote inside an unquoted field, whose csv-parse code lacks the CSV_ prefix', async () => {
    const path = await fixture('stray-quote.csv', 'name,email\nAna "the" Silva,ana@example.org\n');
    expect(await failure(readAll(path))).toBe(
      'The file is not readable as CSV (line 2: a field that does not start with a quote contains one; put such a field in quotes and double the quote inside it). ' +
        'Export it again as CSV and upload the new file.',
    );
  });
});

describe('openRecords: files that are not exports', () => {
  it('rejects an empty file', async () => {
    expect(await failure(openRecords(await fixture('empty.csv', ''), { limits }))).toBe('The file is empty. Export the signatures again and upload the new file.');
  });

  it('names a PNG image', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('junk,junk\n')]);
    expect(await failure(openRecords(await fixture('signatures.png', png), { limits }))).toBe(`This file looks like a PNG image, not a CSV or XLSX export. ${EXPORT_ADVICE}`);
  });

  it('asks for an old .xls workbook to be saved as .xlsx or CSV', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    expect(await failure(openRecords(await fixture('old.xls', xls), { limits }))).toBe(
      'This file looks like an old Excel workbook (.xls). Open it in Excel or LibreOffice, save it as .xlsx or CSV, and upload that file.',
    );
  });

  it('rejects other binary data', async () => {
    expect(await failure(openRecords(await fixture('blob.bin', Buffer.from([0x01, 0x00, 0x02, 0x00, 0x41])), { limits }))).toBe(
      `This file contains binary data: it is not a CSV or XLSX export. ${EXPORT_ADVICE}`,
    );
  });

  it('rejects a zip that is not a workbook', async () => {
    const path = await fixture('archive.zip', storedZip({ 'hello.txt': 'hello', 'data/signatures.csv': 'name,email\n' }));
    const source = await openRecords(path, { limits });
    expect(source.format).toBe('xlsx');
    expect(await failure(readRecords(source.records))).toBe(
      `This file is a zip archive but not an Excel workbook: it is not a CSV or XLSX export. ${EXPORT_ADVICE}`,
    );
  });
});

describe('openRecords: XLSX', () => {
  const EMPTY_FIRST_SHEET =
    'The first sheet of the workbook is empty. Put the signatures on the first sheet, with the column names in the first row, and upload the workbook again.';
  const UNREADABLE =
    'The workbook could not be read: it looks damaged or incomplete. Open it in Excel or LibreOffice, save it again as .xlsx (or export it as CSV) and upload the new file.';

  it('reads the first sheet as text, aligned by column, skipping blank rows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Signatures');
    sheet.addRow(['First name', 'Last name', 'Email', 'Postcode', 'Signed at', 'Note']);
    sheet.addRow([
      'Ana',
      { richText: [{ text: 'de ' }, { text: 'Vries', font: { bold: true } }] },
      { text: 'ana@example.org', hyperlink: 'mailto:ana@example.org' },
      1234,
      new Date(Date.UTC(2024, 2, 5, 14, 30)), // Excel dates have no zone; exceljs writes the UTC fields
      'first',
    ]);
    sheet.getRow(3).getCell(1).font = { bold: true }; // a formatted cell without a value: still a blank row
    sheet.getRow(4).values = ['Bo', 'Li', { formula: 'LOWER("BO@EXAMPLE.ORG")', result: 'bo@example.org' }, 98765, new Date(Date.UTC(2024, 2, 6)), true];
    sheet.getRow(5).values = ['Chen', null, null, 1e21, null, 0.25, 1e-7];
    sheet.getRow(5).getCell(8).font = { italic: true }; // a trailing formatted empty cell
    workbook.addWorksheet('Summary').addRow(['Total', 3]);
    const path = join(dir, 'signatures.xlsx');
    await workbook.xlsx.writeFile(path);

    const tempFilesBefore = await exceljsTempFiles();
    const result = await readAll(path);
    expect(result).toEqual({
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      records: [
        ['First name', 'Last name', 'Email', 'Postcode', 'Signed at', 'Note'],
        ['Ana', 'de Vries', 'ana@example.org', '1234', '2024-03-05T14:30:00', 'first'],
        ['Bo', 'Li', 'bo@example.org', '98765', '2024-03-06', 'true'],
        ['Chen', '', '', '1000000000000000000000', '', '0.25', '0.0000001'],
      ],
      bytesRead: (await stat(path)).size,
    });
    expect(await exceljsTempFiles()).toEqual(tempFilesBefore);
  });

  // Spreadsheet programs store the parts in different orders. On its own, exceljs's streaming reader dropped
  // the entries after the first sheet file of these small zips (exceljs#3064): the first tab, and in the
  // second order the shared strings too.
  it.each([
    ['shared strings before the sheets', ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']],
    ['shared strings after the sheets', ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/sharedStrings.xml']],
  ])('takes the first tab, not the first sheet file, with %s', async (_, order) => {
    const parts: Record<string, string> = {
      'xl/workbook.xml': workbookXml('<sheet name="Signatures" sheetId="2" r:id="rId2"/><sheet name="Old" sheetId="1" r:id="rId1"/>'),
      'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
      'xl/sharedStrings.xml': `<sst xmlns="${MAIN_NS}"><si><t>Name</t></si><si><t>Email</t></si><si><r><t xml:space="preserve">Zoë </t></r><r><rPr><b/></rPr><t>Ng</t></r></si></sst>`,
      'xl/worksheets/sheet1.xml': worksheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>old</t></is></c></row>'),
      'xl/worksheets/sheet2.xml': worksheetXml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          '<row r="4"><c r="A4" t="s"><v>2</v></c><c r="C4" t="inlineStr"><is><t>x</t></is></c></row>',
      ),
    };
    const path = await fixture('tabs.xlsx', storedZip(Object.fromEntries(order.map((name) => [name, parts[name]]))));
    expect((await readAll(path)).records).toEqual([
      ['Name', 'Email'],
      ['Zoë Ng', '', 'x'],
    ]);
  });

  it('fails when the first sheet is empty, even if a later one is not', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Empty');
    workbook.addWorksheet('Data').addRow(['name', 'email']);
    const path = join(dir, 'empty-first.xlsx');
    await workbook.xlsx.writeFile(path);
    expect(await failure(readAll(path))).toBe(EMPTY_FIRST_SHEET);
  });

  it('fails when the workbook has no sheet', async () => {
    const path = await fixture('no-sheet.xlsx', storedZip({ 'xl/workbook.xml': workbookXml(''), 'xl/_rels/workbook.xml.rels': WORKBOOK_RELS }));
    expect(await failure(readAll(path))).toBe(EMPTY_FIRST_SHEET);
  });

  it('fails on a cut-off workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Signatures').addRow(['name', 'email']);
    const whole = Buffer.from(await workbook.xlsx.writeBuffer());
    const path = await fixture('cut-off.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await failure(readAll(path))).toBe(UNREADABLE);
  });

  it('fails on a workbook whose sheet is not XML', async () => {
    const path = await fixture(
      'broken-sheet.xlsx',
      storedZip({
        'xl/workbook.xml': workbookXml('<sheet name="Signatures" sheetId="1" r:id="rId1"/>'),
        'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
        'xl/worksheets/sheet1.xml': worksheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></rowx>'),
      }),
    );
    const tempFilesBefore = await exceljsTempFiles();
    expect(await failure(readAll(path))).toBe(UNREADABLE);
    expect(await exceljsTempFiles()).toEqual(tempFilesBefore); // no copy of the sheet is left in the temp folder
  });

  it('cleans up after exceljs when the consumer stops early', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Signatures');
    sheet.addRow(['name', 'email']);
    for (let i = 0; i < 5000; i++) sheet.addRow([`Person ${i}`, `person${i}@example.org`]);
    workbook.addWorksheet('Summary').addRow(['Total', 5000]);
    const path = join(dir, 'stopped.xlsx');
    await workbook.xlsx.writeFile(path);

    const tempFilesBefore = await exceljsTempFiles();
    const { records } = await openRecords(path, { limits });
    const iterator = records[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(['name', 'email']);
    await iterator.return!(); // destroys the stream
    for (let waited = 0; waited < 5000 && (await exceljsTempFiles()).length > tempFilesBefore.length; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await exceljsTempFiles()).toEqual(tempFilesBefore);
  });
});

async function readRecords(records: Readable): Promise<string[][]> {
  const all: string[][] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Where exceljs would park a sheet it cannot parse yet: temporary files named by the `tmp` package. */
async function exceljsTempFiles(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`)).sort();
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const workbookXml = (sheets: string) => `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>${sheets}</sheets></workbook>`;
const worksheetXml = (rows: string) => `<worksheet xmlns="${MAIN_NS}"><sheetData>${rows}</sheetData></worksheet>`;
const WORKBOOK_RELS =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
  `<Relationship Id="rId2" Type="${REL_NS}/worksheet" Target="worksheets/sheet2.xml"/>` +
  '</Relationships>';

/** A zip with uncompressed entries in the given order, so a test controls exactly what the reader sees. */
function storedZip(files: Record<string, string>): Buffer {
  const entries: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed; flags, method (stored), time and date stay 0
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    entries.push(local, nameBytes, data);
    directory.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...entries, directoryBytes, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
