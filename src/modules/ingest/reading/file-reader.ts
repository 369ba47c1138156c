import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { addAbortSignal, pipeline, Readable, Transform } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { ParseFailure } from './parse-failure';
import { Delimiter, sniffDelimiter } from './sniff';
import type { XlsxLimits } from './workbook-zip';
import { xlsxRecords } from './xlsx-records';

export type FileFormat = 'csv' | 'xlsx';

export interface RecordSource {
  format: FileFormat;
  /** CSV: 'utf-8' | 'utf-8 (BOM)' | 'utf-16le' | 'utf-16be' | 'windows-1252'; XLSX: null */
  encoding: string | null;
  /** CSV: the detected delimiter; XLSX: null */
  delimiter: Delimiter | null;
  /** Object-mode stream of records (string[]), the header row first. Errors are ParseFailure with a message for the coordinator. */
  records: Readable;
}

export type CsvEncoding = 'utf-8' | 'utf-8 (BOM)' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Encodings in which `"`, CR and LF are single bytes that occur nowhere else, so a file can be split by bytes. */
export function splittable(encoding: string | null): encoding is 'utf-8' | 'utf-8 (BOM)' | 'windows-1252' {
  return encoding === 'utf-8' || encoding === 'utf-8 (BOM)' || encoding === 'windows-1252';
}

/** How a file is read: within the XLSX limits (validated config), until `signal` aborts, reporting progress. */
export interface ReadOptions {
  limits: XlsxLimits;
  /** Aborting stops the reading and closes the file; `records` then fails with an AbortError. */
  signal?: AbortSignal;
  /** Called with the cumulative raw bytes read, for progress. */
  onBytes?: (bytesRead: number) => void;
}

/** Byte range of a CSV to read, from `start` to `end` (exclusive; null: to the end). */
export interface ByteRange {
  start: number;
  end: number | null;
}

/** Enough to recognise the format and to hold the header line the delimiter is guessed from. */
const SAMPLE_BYTES = 64 * 1024;

/** The longest row read, in characters: far beyond any signature row, well within memory. */
export const MAX_RECORD_CHARS = 1_000_000;

const EMPTY_FILE = 'The file is empty. Export the signatures again and upload the new file.';
const EXPORT_ADVICE = 'Export the signatures as CSV or XLSX and upload that file.';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const BOMS: [number[], CsvEncoding][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8 (BOM)'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];
/** Files coordinators upload by mistake, recognised by their first bytes so the message can say what they are. */
const NOT_AN_EXPORT: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `This file looks like a PNG image, not a CSV or XLSX export. ${EXPORT_ADVICE}`],
  [[0xff, 0xd8, 0xff], `This file looks like a JPEG image, not a CSV or XLSX export. ${EXPORT_ADVICE}`],
  [[0x47, 0x49, 0x46, 0x38], `This file looks like a GIF image, not a CSV or XLSX export. ${EXPORT_ADVICE}`],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], `This file looks like a PDF document, not a CSV or XLSX export. ${EXPORT_ADVICE}`],
  [
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    'This file looks like an old Excel workbook (.xls). Open it in Excel or LibreOffice, save it as .xlsx or CSV, and upload that file.',
  ],
];
const OPEN_DOCUMENT =
  'This file looks like an OpenDocument spreadsheet (.ods). Open it in LibreOffice, save it as .xlsx or CSV, and upload that file.';
const BINARY = `This file contains binary data: it is not a CSV or XLSX export. ${EXPORT_ADVICE}`;

/**
 * Opens an uploaded file (path on disk). Whole-file problems that the first bytes reveal (empty, an image, an
 * .xls) reject here; problems found further in come out of `records` as ParseFailure.
 */
export async function openRecords(path: string, options: ReadOptions): Promise<RecordSource> {
  const sample = await readSample(path);
  if (sample.length === 0) throw new ParseFailure(EMPTY_FILE);
  if (startsWith(sample, ZIP)) {
    // An .ods is a zip too; its first entry is an uncompressed "mimetype" file that names it.
    if (sample.subarray(0, 200).includes('application/vnd.oasis.opendocument.spreadsheet')) throw new ParseFailure(OPEN_DOCUMENT);
    return { format: 'xlsx', encoding: null, delimiter: null, records: stoppable(xlsxRecords(path, options), options.signal) };
  }
  const encoding = await detectEncoding(path, sample, options.signal);
  const delimiter = sniffDelimiter(decodeSample(sample, encoding));
  return { format: 'csv', encoding, delimiter, records: stoppable(csvRecords(path, encoding, delimiter, options.onBytes), options.signal) };
}

/** Destroys `records` when the signal aborts, which closes the file behind it. */
function stoppable(records: Readable, signal: AbortSignal | undefined): Readable {
  return signal ? addAbortSignal(signal, records) : records;
}

async function readSample(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SAMPLE_BYTES), 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function startsWith(sample: Buffer, signature: number[]): boolean {
  return sample.length >= signature.length && signature.every((byte, i) => sample[i] === byte);
}

async function detectEncoding(path: string, sample: Buffer, signal?: AbortSignal): Promise<CsvEncoding> {
  const notAnExport = NOT_AN_EXPORT.find(([signature]) => startsWith(sample, signature));
  if (notAnExport) throw new ParseFailure(notAnExport[1]);
  const bom = BOMS.find(([signature]) => startsWith(sample, signature));
  if (bom) return bom[1];
  // Text without a UTF-16 BOM has no NUL bytes; a file with them is some binary format.
  if (sample.includes(0)) throw new ParseFailure(BINARY);
  return (await isUtf8(path, signal)) ? 'utf-8' : 'windows-1252';
}

/**
 * Exports from older Excel versions are Windows-1252 and may be pure ASCII for megabytes before the first
 * "é", so the whole file is checked, in one streaming pass that stops at the first invalid byte.
 */
async function isUtf8(path: string, signal?: AbortSignal): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { signal })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode(); // a character cut off by the end of the file is invalid too
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return false;
    throw error;
  }
}

const DECODER_LABEL: Record<CsvEncoding, string> = {
  'utf-8': 'utf-8',
  'utf-8 (BOM)': 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'windows-1252': 'windows-1252',
};

/**
 * What Windows-1252 puts at 0x80–0x9F (€, curly quotes, dashes, Š, Ž, Œ, Ÿ…). Node 20.18.3 and later decode
 * "windows-1252" as Latin-1 outside stream mode, turning these bytes into invisible control characters
 * (nodejs/node#56542, #60888). Stream mode happens to take a correct path today; correcting the output keeps
 * it right on any Node version. The five bytes Windows-1252 leaves undefined stay as they are.
 */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8DŽ\x8F\x90‘’“”•–—˜™š›œ\x9DžŸ';
function fixCp1252(text: string): string {
  return text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/** The sample as text, for finding the delimiter: only ASCII matters, so a cut-off last character does not. */
function decodeSample(sample: Buffer, encoding: CsvEncoding): string {
  return new TextDecoder(DECODER_LABEL[encoding]).decode(sample);
}

/**
 * Raw bytes in, UTF-8 out, reporting progress. `stream: true` keeps a character whose bytes straddle two
 * chunks intact. The decoder drops a leading BOM.
 */
function transcoder(encoding: CsvEncoding, onBytes?: (bytesRead: number) => void): Transform {
  const decoder = new TextDecoder(DECODER_LABEL[encoding]);
  const text = encoding === 'windows-1252' ? fixCp1252 : (decoded: string) => decoded;
  let bytesRead = 0;
  return new Transform({
    transform(chunk: Buffer, _, done) {
      bytesRead += chunk.length;
      onBytes?.(bytesRead);
      done(null, text(decoder.decode(chunk, { stream: true })));
    },
    flush(done) {
      done(null, text(decoder.decode()));
    },
  });
}

/**
 * The records of part of a CSV whose encoding and delimiter `openRecords` found before (a chunk of a large
 * export, see file-chunks.ts). The range must start on a record boundary.
 */
export function openRecordRange(path: string, encoding: CsvEncoding, delimiter: Delimiter, range: ByteRange, signal?: AbortSignal): Readable {
  return stoppable(csvRecords(path, encoding, delimiter, undefined, range), signal);
}

function csvRecords(path: string, encoding: CsvEncoding, delimiter: Delimiter, onBytes?: (bytesRead: number) => void, range?: ByteRange): Readable {
  // A record (one row, all its fields) is held in memory until it ends: a row of a million characters is no
  // signature, and a file made of one endless quoted field must not fill the memory.
  const records = new Parser({ delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: MAX_RECORD_CHARS });
  const file = createReadStream(path, range ? { start: range.start, end: range.end === null ? undefined : range.end - 1 } : {});
  // Errors reach the consumer through `records`, which pipeline destroys with the first error of any stage;
  // a consumer that destroys `records` closes the file in turn.
  pipeline(file, transcoder(encoding, onBytes), records, () => undefined);
  return records;
}

/**
 * What a consumer of `records` should throw: a broken CSV becomes a ParseFailure (the batch fails with a
 * message instead of being retried). Converted here, at the consumer, because a stream reports the error it
 * was first destroyed with, so a stream stage cannot reliably swap it.
 */
export function readFailure(error: unknown, before: RecordsBefore = { lines: 0, records: 0 }): unknown {
  return error instanceof CsvError ? csvFailure(error, before) : error;
}

/** Where a chunk starts in the whole file, so that an error names the line and row of the file, not the chunk's. */
export interface RecordsBefore {
  lines: number;
  /** Records before the chunk, the header row included. */
  records: number;
}

function csvFailure(error: CsvError, before: RecordsBefore): ParseFailure {
  return new ParseFailure(
    `The file is not readable as CSV (line ${before.lines + error.lines}: ${csvProblem(error, before.records)}). Export it again as CSV and upload the new file.`,
  );
}

function csvProblem(error: CsvError, recordsBefore: number): string {
  // csv-parse 5.6 names one code without the CSV_ prefix, hence the string comparison.
  switch (String(error.code)) {
    case 'CSV_MAX_RECORD_SIZE':
      return `a row is longer than ${MAX_RECORD_CHARS.toLocaleString('en')} characters, far more than a signature needs (perhaps a quote that never closes)`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return `the file ends inside a quoted field; the quote opened in row ${recordsBefore + error.records + 1}, counting the header row, is never closed`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted field has more text after its closing quote; a quote inside a quoted field must be doubled ("")';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return 'a field that does not start with a quote contains one; put such a field in quotes and double the quote inside it';
    default:
      return error.message;
  }
}
