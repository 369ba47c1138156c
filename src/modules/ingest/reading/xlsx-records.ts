import { Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { ParseFailure } from './parse-failure';
import type { ReadOptions } from './file-reader';
import { UNREADABLE_WORKBOOK, workbookInput } from './workbook-zip';

const NOT_A_WORKBOOK =
  'This file is a zip archive but not an Excel workbook: it is not a CSV or XLSX export. Export the signatures as CSV or XLSX and upload that file.';
const EMPTY_FIRST_SHEET =
  'The first sheet of the workbook is empty. Put the signatures on the first sheet, with the column names in the first row, and upload the workbook again.';

/**
 * Shared strings are emitted rather than cached so that they can be stored compactly (see SharedStrings).
 * Styles are needed because a date cell is only a number with a date format. Hyperlinks are ignored so
 * that a linked cell reads as its plain text.
 */
const READER_OPTIONS = { sharedStrings: 'emit', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' } as const;

/**
 * The first worksheet of an XLSX file as records (string[] per row, header row first), read with exceljs's
 * streaming reader so that memory does not grow with the number of rows. Rows come out only as fast as
 * the consumer reads them. Reading stops, and the file is closed, when a limit is passed, when `signal`
 * aborts, or when the consumer destroys the stream; nothing is written anywhere on the way.
 */
export function xlsxRecords(path: string, options: ReadOptions): Readable {
  return Readable.from(firstSheetRecords(path, options), { objectMode: true });
}

type WorksheetReader = AsyncIterable<ExcelJS.Row> & { name?: string };
type SharedString = { index: number; text: string | null | { richText: { text?: string | null }[] } };
/** What WorkbookReader.parse() yields. exceljs 4.4 yields shared strings bare, not as the documented 'shared-strings' event. */
type ReaderEvent = { eventType: string; value: unknown } | SharedString;

async function* firstSheetRecords(path: string, options: ReadOptions): AsyncGenerator<string[]> {
  const input = await workbookInput(path, options);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input.stream, READER_OPTIONS);
  const strings = new SharedStrings();
  readSheetsDirectly(workbook, strings);
  const events = workbook.parse() as AsyncIterator<ReaderEvent>;
  /** The next item; or why the input stopped (exceljs would wait for the rest forever); or, when exceljs fails on its own, a damaged file. */
  const next = <T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> =>
    new Promise((resolve, reject) => {
      input.onFailure(reject);
      iterator.next().then(resolve, () => reject(input.failure() ?? new ParseFailure(UNREADABLE_WORKBOOK)));
    });

  let emitted = 0;
  try {
    for (let event = await next(events); !event.done; event = await next(events)) {
      const text = sharedStringText(event.value);
      if (text !== undefined) strings.add(text);
      const sheet = worksheet(event.value);
      if (!sheet) continue;
      const isFirst = isFirstSheet(workbook, sheet);
      const rows = sheet[Symbol.asyncIterator]();
      for (let row = await next(rows); !row.done; row = await next(rows)) {
        if (!isFirst) continue; // a sheet before the first tab is read through to get past it
        const record = rowRecord(row.value);
        if (record.length === 0) continue;
        emitted++;
        yield record;
      }
      if (isFirst) break; // nothing after the first tab is needed
    }
  } finally {
    input.stop();
  }
  options.onBytes?.(input.size);
  if (emitted === 0) throw new ParseFailure(workbookModel(workbook) ? EMPTY_FIRST_SHEET : NOT_A_WORKBOOK);
}

/**
 * exceljs parks a sheet in a temporary file (its whole unpacked size, in the system temp folder, deleted only if
 * it reads to the end) unless, when the sheet's part arrives, it already has the shared strings and the workbook's
 * relationships. The input brings those parts first (workbook-zip.ts), and these two fields, which exceljs's
 * 'cache' mode would fill, tell it so: it reads each sheet straight from the zip, so there is no temporary file on
 * any path and reading can stop anywhere. A text cell reads its string through `sharedStrings[index]`.
 */
function readSheetsDirectly(workbook: object, strings: SharedStrings): void {
  const sharedStrings = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? strings.get(Number(key)) : undefined) });
  Object.assign(workbook, { sharedStrings, workbookRels: [] });
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
function rowRecord(row: ExcelJS.Row): string[] {
  const values = row.values as ExcelJS.CellValue[];
  const record: string[] = [];
  for (let column = 1; column < values.length; column++) record.push(cellText(values[column]));
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
