import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { ParseFailure } from './parse-failure';

const NOT_A_WORKBOOK =
  'This file is a zip archive but not an Excel workbook: it is not a CSV or XLSX export. Export the signatures as CSV or XLSX and upload that file.';
const EMPTY_FIRST_SHEET =
  'The first sheet of the workbook is empty. Put the signatures on the first sheet, with the column names in the first row, and upload the workbook again.';
/**
 * A workbook is a zip of XML files; a crafted one (a "zip bomb") unpacks a megabyte into gigabytes of one cell
 * or of empty rows, which exceljs would write to temporary files and read for many minutes. The sizes the zip's
 * central directory declares are checked before anything is unpacked: an export of a million signatures unpacks
 * to a few hundred megabytes, and XML compresses about ten to one, rarely past thirty.
 */
export const XLSX_LIMITS = { uncompressedBytes: 768 * 1024 * 1024, ratio: 100, minBytesForRatio: 16 * 1024 * 1024 };
const TOO_LARGE_WORKBOOK =
  'This workbook unpacks to far more data than a list of signatures can hold, so it was not read. Save the sheet as CSV and upload that file, or split it into smaller workbooks.';
const UNREADABLE_WORKBOOK =
  'The workbook could not be read: it looks damaged or incomplete. Open it in Excel or LibreOffice, save it again as .xlsx (or export it as CSV) and upload the new file.';

/**
 * Shared strings are emitted rather than cached so that they can be stored compactly (see SharedStrings).
 * With 'emit', exceljs parks every sheet in a temporary file (its uncompressed size, in the OS temp folder)
 * until it has read the whole zip, so the strings and the workbook part are known before the first row.
 * Styles are needed because a date cell is only a number with a date format. Hyperlinks are ignored so
 * that a linked cell reads as its plain text.
 */
const READER_OPTIONS = { sharedStrings: 'emit', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' } as const;

/**
 * The first worksheet of an XLSX file as records (string[] per row, header row first), read with exceljs's
 * streaming reader so that memory does not grow with the number of rows. Rows come out only as fast as
 * the consumer reads them.
 */
export function xlsxRecords(path: string, onBytes?: (bytesRead: number) => void): Readable {
  return Readable.from(firstSheetRecords(path, onBytes), { objectMode: true });
}

type WorksheetReader = AsyncIterable<ExcelJS.Row> & { name?: string };
type SharedString = { index: number; text: string | null | { richText: { text?: string | null }[] } };
/** What WorkbookReader.parse() yields. exceljs 4.4 yields shared strings bare, not as the documented 'shared-strings' event. */
type ReaderEvent = { eventType: string; value: unknown } | SharedString;

async function* firstSheetRecords(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string[]> {
  const input = workbookInput(path, await zipLayout(path), onBytes);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input.stream, READER_OPTIONS);
  const strings = new SharedStrings();
  // Iterated by hand, not with for-await: leaving a for-await early would close exceljs's generators halfway,
  // and exceljs only deletes its temporary sheet files (and closes their descriptors) when it gets to the end.
  const events = workbook.parse() as AsyncIterator<ReaderEvent>;
  let rows: AsyncIterator<ExcelJS.Row> | null = null;
  let settled = false;
  const next = async <T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> => {
    try {
      return await iterator.next();
    } catch {
      settled = true; // a failed exceljs generator is finished: nothing left to drain
      throw input.readError() ?? new ParseFailure(UNREADABLE_WORKBOOK);
    }
  };

  let firstSheetSeen = false;
  let emitted = 0;
  try {
    for (let event = await next(events); !event.done; event = await next(events)) {
      const text = sharedStringText(event.value);
      if (text !== undefined) strings.add(text);
      const sheet = worksheet(event.value);
      if (!sheet) continue;
      rows = sheet[Symbol.asyncIterator]();
      const isFirst: boolean = !firstSheetSeen && isFirstSheet(workbook, sheet);
      firstSheetSeen ||= isFirst;
      for (let row = await next(rows); !row.done; row = await next(rows)) {
        if (!isFirst) continue; // later sheets are read to the end only so exceljs cleans up after them
        const record = rowRecord(row.value, strings);
        if (record.length === 0) continue;
        emitted++;
        yield record;
      }
      rows = null;
    }
    settled = true;
  } finally {
    if (settled) input.stream.destroy();
    else void drain(rows, events).finally(() => input.stream.destroy()); // the consumer stopped early
  }
  if (emitted === 0) throw new ParseFailure(workbookModel(workbook) ? EMPTY_FIRST_SHEET : NOT_A_WORKBOOK);
}

function worksheet(event: ReaderEvent): WorksheetReader | undefined {
  return 'eventType' in event && event.eventType === 'worksheet' ? (event.value as WorksheetReader) : undefined;
}

/** The text of a shared string, in whichever shape exceljs yields it. They come in index order, from 0. */
function sharedStringText(event: ReaderEvent): string | undefined {
  const shared = 'eventType' in event ? (event.eventType === 'shared-strings' ? (event.value as SharedString) : undefined) : event;
  if (!shared) return undefined;
  if (shared.text === null || typeof shared.text === 'string') return shared.text ?? '';
  return shared.text.richText.map((run) => run.text ?? '').join('');
}

/** Reads what is left of the workbook, discarding it, so exceljs removes its temporary files. */
async function drain(rows: AsyncIterator<ExcelJS.Row> | null, events: AsyncIterator<ReaderEvent>): Promise<void> {
  try {
    if (rows) while (!(await rows.next()).done);
    for (let event = await events.next(); !event.done; event = await events.next()) {
      const sheet = worksheet(event.value);
      if (sheet) for await (const _ of sheet);
    }
  } catch {
    // the consumer has gone; a damaged rest of the file is nobody's concern now
  }
}

interface WorkbookModel {
  sheets?: { name?: string }[];
}

/** exceljs sets `model` once it has read xl/workbook.xml; a zip without that file is no workbook. */
function workbookModel(workbook: object): WorkbookModel | undefined {
  return (workbook as { model?: WorkbookModel }).model;
}

/**
 * The first sheet is the first tab in the workbook part, which is usually but not necessarily the first
 * sheet file in the zip. Without a workbook part, the first sheet file is the best guess.
 */
function isFirstSheet(workbook: object, sheet: WorksheetReader): boolean {
  const firstName = workbookModel(workbook)?.sheets?.[0]?.name;
  return firstName === undefined || sheet.name === firstName;
}

/** A row as strings aligned by column (row.values is 1-based and sparse), without trailing empty cells. */
function rowRecord(row: ExcelJS.Row, strings: SharedStrings): string[] {
  const values = row.values as (ExcelJS.CellValue | { sharedString: number })[];
  const record: string[] = [];
  for (let column = 1; column < values.length; column++) {
    const value = values[column];
    // With shared strings emitted, a text cell holds the index of its string.
    record.push(value && typeof value === 'object' && 'sharedString' in value ? strings.get(value.sharedString) : cellText(value));
  }
  while (record.length > 0 && record[record.length - 1] === '') record.pop();
  return record;
}

/** The text a coordinator sees in the cell. */
function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('hyperlink' in value) return cellText(value.text);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result as ExcelJS.CellValue | undefined);
  return ''; // an error value such as #N/A
}

/** Plain decimal text: a postcode 1234 stays "1234" and a large integer never turns into 1e+21. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) return ''; // the result of a failed formula
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  return text.includes('e') ? value.toFixed(20).replace(/\.?0+$/, '') : text; // 1e-7 is "0.0000001"
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Excel dates carry no zone and exceljs hands them over as if they were UTC, so the UTC fields are the
 * wall-clock time the sheet shows. The app reads zone-less times in the campaign's zone.
 */
function dateText(value: Date): string {
  if (Number.isNaN(value.getTime())) return '';
  const date = new Date(Math.round(value.getTime() / 1000) * 1000); // serials are floats: 14:29:59.9996 is 14:30
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return time === '00:00:00' ? day : `${day}T${time}`;
}

/**
 * exceljs 4.4 unzips with unzipper, which reports the end of the archive as soon as it has parsed the last
 * bytes, even when exceljs has not yet taken every entry from it; the entries still queued are silently
 * dropped (exceljs#1558, #3064), and with them a sheet, the shared strings or the workbook part. So exceljs
 * is given the file's entries, without the central directory, followed by a large entry of padding and an
 * empty end record: unzipper cannot get past the padding, fed to it in small chunks, before exceljs has
 * taken every real entry and skips the padding (it reads entries strictly in order).
 */
const PADDING_NAME = Buffer.from('handin-padding');
const PADDING_CHUNK = Buffer.alloc(64 * 1024);
const PADDING_CHUNKS = 16; // 1 MiB: well over what unzipper's entry streams buffer without a reader
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

interface WorkbookInput {
  stream: Readable;
  /** A read error, as opposed to a damaged file: the job may retry it. */
  readError: () => Error | undefined;
}

function workbookInput(path: string, zip: ZipLayout, onBytes?: (bytesRead: number) => void): WorkbookInput {
  let readError: Error | undefined;
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      const end = zip.entriesEnd ?? zip.size;
      let bytesRead = 0;
      if (end > 0) {
        for await (const chunk of createReadStream(path, { end: end - 1 })) {
          bytesRead += (chunk as Buffer).length;
          onBytes?.(bytesRead);
          yield chunk as Buffer;
        }
      }
      if (zip.entriesEnd === undefined) return;
      onBytes?.(zip.size); // the rest is the central directory, already read
      yield paddingEntryHeader();
      for (let i = 0; i < PADDING_CHUNKS; i++) yield PADDING_CHUNK;
      yield emptyEndRecord();
    } catch (error) {
      // exceljs pipes its input without listening for errors and would wait forever: end the stream instead,
      // so that exceljs fails on the cut-off zip, and report the read error rather than a damaged file.
      readError = error as Error;
    }
  }
  return { stream: Readable.from(bytes(), { objectMode: false }), readError: () => readError };
}

interface ZipLayout {
  size: number;
  /** Where the entries end and the central directory starts; undefined in a zip64 file, which gets no padding. */
  entriesEnd: number | undefined;
}

/**
 * Reads the end record in the file's last 64 KiB (22 bytes plus a comment of up to 65,535). A zip without
 * one was cut off, typically by an interrupted download: it fails here, before exceljs parks sheets in
 * temporary files that it would not remove after failing.
 */
async function zipLayout(path: string): Promise<ZipLayout> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = Buffer.alloc(size - tailStart);
    await handle.read(tail, 0, tail.length, tailStart);
    for (let at = tail.length - 22; at >= 0; at--) {
      if (tail.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) continue;
      const offset = tail.readUInt32LE(at + 16);
      if (offset === 0xffffffff) return { size, entriesEnd: undefined }; // zip64: the offset is elsewhere
      if (offset > tailStart + at) continue;
      const directory = Buffer.alloc(Math.min(tail.readUInt32LE(at + 12), tailStart + at - offset));
      await handle.read(directory, 0, directory.length, offset);
      refuseZipBomb(directory);
      return { size, entriesEnd: offset };
    }
    throw new ParseFailure(UNREADABLE_WORKBOOK);
  } finally {
    await handle.close();
  }
}

/** Refuses a workbook whose entries, as its central directory declares them, would unpack too far. */
function refuseZipBomb(directory: Buffer): void {
  let total = 0;
  for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === CENTRAL_DIRECTORY_ENTRY; ) {
    const compressed = directory.readUInt32LE(at + 20);
    const uncompressed = directory.readUInt32LE(at + 24);
    total += uncompressed;
    const bomb = uncompressed >= XLSX_LIMITS.minBytesForRatio && uncompressed > XLSX_LIMITS.ratio * Math.max(compressed, 1);
    if (bomb || total > XLSX_LIMITS.uncompressedBytes) throw new ParseFailure(TOO_LARGE_WORKBOOK);
    at += 46 + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
}

function paddingEntryHeader(): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0); // local file header
  header.writeUInt16LE(20, 4); // version needed; no flags, stored, no date, no checksum (unzipper checks none)
  header.writeUInt32LE(PADDING_CHUNK.length * PADDING_CHUNKS, 18);
  header.writeUInt32LE(PADDING_CHUNK.length * PADDING_CHUNKS, 22);
  header.writeUInt16LE(PADDING_NAME.length, 26);
  return Buffer.concat([header, PADDING_NAME]);
}

function emptyEndRecord(): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  return record;
}

/**
 * The workbook's shared strings, which most text cells refer to by index, kept as UTF-8 in one growing
 * buffer. As one V8 string each (exceljs's 'cache' option), a 1,000,000-row workbook of unique names and
 * e-mail addresses took the reader to about 450 MB; this way it stays under 250 MB.
 */
class SharedStrings {
  private bytes = Buffer.alloc(1024 * 1024);
  /** String i ends at ends[i] in `bytes` and starts where string i - 1 ends. */
  private ends = new Uint32Array(64 * 1024);
  private count = 0;

  add(text: string): void {
    const start = this.end(this.count - 1);
    const length = Buffer.byteLength(text);
    if (start + length > this.bytes.length) {
      const bytes = Buffer.alloc(Math.max(2 * this.bytes.length, start + length));
      this.bytes.copy(bytes, 0, 0, start);
      this.bytes = bytes;
    }
    if (this.count === this.ends.length) {
      const ends = new Uint32Array(2 * this.ends.length);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.bytes.write(text, start);
    this.ends[this.count++] = start + length;
  }

  /** The string at `index`; an index the workbook does not define reads as an empty cell. */
  get(index: number): string {
    if (!(index >= 0 && index < this.count)) return '';
    return this.bytes.toString('utf8', this.end(index - 1), this.end(index));
  }

  private end(index: number): number {
    return index < 0 ? 0 : this.ends[index];
  }
}
