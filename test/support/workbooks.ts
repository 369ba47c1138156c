import archiver from 'archiver';
import { Readable } from 'node:stream';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A sheet row of text cells (exceljs needs each cell's reference). */
const row = (n: number, texts: string[]) =>
  `<row r="${n}">${texts.map((text, i) => `<c r="${String.fromCharCode(65 + i)}${n}" t="inlineStr"><is><t>${text}</t></is></c>`).join('')}</row>`;

/**
 * A one-sheet workbook zipped by archiver as spreadsheet programs zip one (deflated, the sheet streamed in): a
 * header row `Full name, Email`, then `rows` as sheet XML. Large sheets never sit in memory.
 */
export async function zippedWorkbook(rows: Iterable<string>, options: { forceZip64?: boolean } = {}): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 }, forceZip64: options.forceZip64 });
  const parts: Buffer[] = [];
  archive.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve, reject) => archive.on('end', resolve).on('error', reject));
  const workbook = `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Signatures" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  archive.append(workbook, { name: 'xl/workbook.xml' });
  const relationships = `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>`;
  archive.append(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships}</Relationships>`, {
    name: 'xl/_rels/workbook.xml.rels',
  });
  const sheet = function* () {
    yield `<worksheet xmlns="${MAIN_NS}"><sheetData>${row(1, ['Full name', 'Email'])}`;
    yield* rows;
    yield '</sheetData></worksheet>';
  };
  archive.append(Readable.from(sheet()), { name: 'xl/worksheets/sheet1.xml' });
  await archive.finalize();
  await done;
  return Buffer.concat(parts);
}

/** Rows of people, `Person 0, person0@example.org` and on. */
export function* peopleRows(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield row(i + 2, [`Person ${i}`, `person${i}@example.org`]);
}

/** `megabytes` of empty rows, which pack a thousand to one: what a zip bomb of the kind that hurt is made of. */
export function* emptyRows(megabytes: number): Generator<string> {
  const rows = '<row/>'.repeat((1024 * 1024) / 8);
  for (let i = 0; i < megabytes * 8; i++) yield rows;
}

/** The same zip (as archiver writes it: no comment, no zip64) with every entry in its central directory declaring that it unpacks to its packed size. */
export function lyingAboutSizes(zip: Buffer): Buffer {
  const lying = Buffer.from(zip);
  const end = lying.length - 22;
  let at = lying.readUInt32LE(end + 16);
  for (let entry = 0; entry < lying.readUInt16LE(end + 10); entry++) {
    lying.writeUInt32LE(lying.readUInt32LE(at + 20), at + 24);
    at += 46 + lying.readUInt16LE(at + 28) + lying.readUInt16LE(at + 30) + lying.readUInt16LE(at + 32);
  }
  return lying;
}
