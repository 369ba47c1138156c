import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { ParseFailure } from './parse-failure';

export const NOT_A_WORKBOOK =
  'This file is a zip archive but not an Excel workbook: it is not a CSV or XLSX export. Export the signatures as CSV or XLSX and upload that file.';
export const EMPTY_FIRST_SHEET =
  'The first sheet of the workbook is empty. Put the signatures on the first sheet, with the column names in the first row, and upload the workbook again.';
const UNREADABLE_WORKBOOK =
  'The workbook could not be read: it looks damaged or incomplete. Open it in Excel or LibreOffice, save it again as .xlsx (or export it as CSV) and upload the new file.';

/**
 * Cached shared strings are the price of streaming XLSX (rows refer to them by index); styles are needed
 * because a date cell is only a number with a date format. Hyperlinks are ignored so that a linked cell
 * reads as its plain text.
 */
const READER_OPTIONS = { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' } as const;

/**
 * The first worksheet of an XLSX file as records (string[] per row, header row first), read with exceljs's
 * streaming reader so that memory does not grow with the number of rows. Rows come out only as fast as
 * the consumer reads them.
 */
export function xlsxRecords(path: string, onBytes?: (bytesRead: number) => void): Readable {
  return Readable.from(firstSheetRecords(path, onBytes), { objectMode: true });
}

async function* firstSheetRecords(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string[]> {
  const input = countedInput(path, onBytes);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input.stream, READER_OPTIONS);
  // Iterated by hand, not with for-await: leaving a for-await early would close exceljs's generators halfway,
  // and exceljs only deletes its temporary sheet files (and closes their descriptors) when it gets to the end.
  const sheets = workbook[Symbol.asyncIterator]();
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
    for (let sheet = await next(sheets); !sheet.done; sheet = await next(sheets)) {
      rows = sheet.value[Symbol.asyncIterator]();
      const isFirst: boolean = !firstSheetSeen && isFirstSheet(workbook, sheet.value);
      firstSheetSeen ||= isFirst;
      for (let row = await next(rows); !row.done; row = await next(rows)) {
        if (!isFirst) continue; // later sheets are read to the end only so exceljs cleans up after them
        const record = rowRecord(row.value);
        if (record.length === 0) continue;
        emitted++;
        yield record;
      }
      rows = null;
    }
    settled = true;
  } finally {
    if (settled) input.stream.destroy();
    else void drain(rows, sheets).finally(() => input.stream.destroy()); // the consumer stopped early
  }
  if (emitted === 0) throw new ParseFailure(workbookModel(workbook) ? EMPTY_FIRST_SHEET : NOT_A_WORKBOOK);
}

/** Reads what is left of the workbook, discarding it, so exceljs removes its temporary files. */
async function drain(rows: AsyncIterator<ExcelJS.Row> | null, sheets: AsyncIterator<AsyncIterable<ExcelJS.Row>>): Promise<void> {
  try {
    if (rows) while (!(await rows.next()).done);
    for (let sheet = await sheets.next(); !sheet.done; sheet = await sheets.next()) {
      for await (const _ of sheet.value);
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
 * The first sheet is the first tab in the workbook, which is usually but not necessarily the first sheet
 * file in the zip. When the workbook part comes after the sheets, the first sheet file is the best guess.
 */
function isFirstSheet(workbook: object, sheet: object): boolean {
  const firstName = workbookModel(workbook)?.sheets?.[0]?.name;
  return firstName === undefined || (sheet as { name?: string }).name === firstName;
}

/** A row as strings aligned by column (row.values is 1-based and sparse), without trailing empty cells. */
export function rowRecord(row: ExcelJS.Row): string[] {
  const values = row.values as ExcelJS.CellValue[];
  const record: string[] = [];
  for (let column = 1; column < values.length; column++) record.push(cellText(values[column]));
  while (record.length > 0 && record[record.length - 1] === '') record.pop();
  return record;
}

/** The text a coordinator sees in the cell. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
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
  return text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
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
 * The file as a stream that reports progress. exceljs pipes its input without listening for errors, so a
 * read error would leave it waiting forever: the stream ends instead, exceljs fails on the cut-off zip,
 * and the read error is what gets reported (it is not the file's fault, so the job may retry).
 */
function countedInput(path: string, onBytes?: (bytesRead: number) => void): { stream: Transform; readError: () => Error | undefined } {
  let bytesRead = 0;
  let readError: Error | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _, done) {
      bytesRead += chunk.length;
      onBytes?.(bytesRead);
      done(null, chunk);
    },
  });
  const file = createReadStream(path);
  file.on('error', (error) => {
    readError = error;
    stream.end();
  });
  stream.on('close', () => file.destroy());
  file.pipe(stream);
  return { stream, readError: () => readError };
}
