import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { splitAtRecords } from '../../src/modules/ingest/reading/file-chunks';
import { mulberry32 } from '../../src/demo/seeded-random';

const PARSE_OPTIONS = { relax_column_count: true, skip_empty_lines: true, bom: true };

/** A messy CSV: quoted fields with commas, doubled quotes and line breaks, empty and blank lines, non-ASCII text. */
function messyCsv(random: () => number, rows: number, lineEnd: string): string {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const cells = ['Anna', 'Ñandú', '"Müller, Jo"', '"say ""hi"""', `"two${lineEnd}lines"`, '"bare\nLF"', '', ' ', '王秀英', '"a\r\nb"'];
  const lines = ['name,city,note'];
  for (let i = 0; i < rows; i++) {
    const kind = random();
    if (kind < 0.03) lines.push('');
    else if (kind < 0.05) lines.push(',,');
    else lines.push([pick(cells), pick(cells), `${i}`].join(','));
  }
  return '\uFEFF' + lines.join(lineEnd) + (random() < 0.5 ? lineEnd : '');
}

describe('splitAtRecords', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'handin-chunks-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['LF', '\n'],
    ['CR LF', '\r\n'],
  ])('cuts a %s file only between records, and numbers rows as csv-parse reads the whole file', async (_, lineEnd) => {
    const random = mulberry32(7);
    for (let round = 0; round < 20; round++) {
      const text = messyCsv(random, 50 + Math.floor(random() * 400), lineEnd);
      const path = join(dir, `f-${round}.csv`);
      await writeFile(path, text);
      const bytes = Buffer.from(text);
      const whole: string[][] = parse(bytes, PARSE_OPTIONS);

      const chunks = (await splitAtRecords(path, 64 + Math.floor((random() * bytes.length) / 3)))!;
      const pieces = chunks.map((c) => parse(bytes.subarray(c.start, c.end ?? undefined), PARSE_OPTIONS) as string[][]);
      expect(pieces.flat()).toEqual(whole); // nothing lost, duplicated or cut in two
      pieces.forEach((records, i) => {
        const dataRecords = i === 0 ? records.length - 1 : records.length;
        expect(chunks[i].rows).toBe(dataRecords);
        expect(chunks[i].rowsBefore).toBe(chunks.slice(0, i).reduce((n, c) => n + c.rows, 0));
      });
      expect(chunks.at(-1)!.end ?? bytes.length).toBe(bytes.length);
      expect(chunks.length).toBeGreaterThan(1);
    }
  });

  it('counts the lines before each chunk, so an error can name the line in the whole file', async () => {
    const text = 'a,b\n1,"x\ny"\n2,z\n\n3,w\n';
    const path = join(dir, 'lines.csv');
    await writeFile(path, text);
    const chunks = (await splitAtRecords(path, 1))!;
    expect(chunks.map((c) => [c.rowsBefore, c.rows, c.linesBefore])).toEqual([[0, 1, 0], [1, 1, 3], [2, 1, 4]]);
  });

  it('does not split a file with no LF line ends (it is read whole)', async () => {
    const path = join(dir, 'mac.csv');
    await writeFile(path, 'a,b\r1,2\r3,4\r');
    expect(await splitAtRecords(path, 1)).toBeNull();
  });
});
