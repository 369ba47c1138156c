import { FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createInflateRaw, InflateRaw } from 'node:zlib';
import { AppConfig } from '../../../config/config';
import type { ReadOptions } from './file-reader';
import { ParseFailure } from './parse-failure';

/**
 * A workbook is a zip of XML files; a crafted one (a "zip bomb") unpacks a megabyte into gigabytes of one cell
 * or of empty rows. What its parts may unpack to is in the validated config (MAX_XLSX_UNPACKED_BYTES,
 * MAX_XLSX_RATIO): an export of a million signatures unpacks to a few hundred megabytes, and XML packs about ten
 * to one, rarely past thirty.
 */
export type XlsxLimits = Pick<AppConfig, 'maxXlsxUnpackedBytes' | 'maxXlsxRatio'>;

/** A small part may pack far better than a sheet does (styles, a run of empty cells): only parts this large are held to the ratio. */
const RATIO_FROM_BYTES = 16 * 1024 * 1024;

export const UNREADABLE_WORKBOOK =
  'The workbook could not be read: it looks damaged or incomplete. Open it in Excel or LibreOffice, save it again as .xlsx (or export it as CSV) and upload the new file.';
const tooLarge = (limits: XlsxLimits) =>
  new ParseFailure(
    `This workbook unpacks to far more data than a list of signatures can hold (more than ${Math.round(limits.maxXlsxUnpackedBytes / 1024 / 1024)} MB, ` +
      `or a part more than ${limits.maxXlsxRatio} times its packed size), so it was not read. Save the sheet as CSV and upload that file, or split it into smaller workbooks.`,
  );

/** A file in the zip, as its central directory lists it. */
interface ZipEntry {
  name: string;
  method: number;
  packed: number;
  unpacked: number;
  /** Where its local header starts. */
  offset: number;
}

const STORED = 0;
const DEFLATED = 8;
const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_EXTRA = 0x0001;
/** A 32-bit size or offset with this value is in the zip64 records instead. */
const IN_ZIP64 = 0xffffffff;
const READ_BYTES = 64 * 1024;

/**
 * The parts exceljs reads, in the order that lets it read each sheet straight from the zip (see xlsx-records.ts):
 * the workbook's relationships, the workbook, styles and shared strings before any sheet. Other parts (pictures,
 * themes, document properties) are left in the file.
 */
const PARTS_BEFORE_SHEETS = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml'];
const SHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

export interface WorkbookInput {
  /** The zip that exceljs reads. */
  stream: Readable;
  /** The file's size, for progress. */
  size: number;
  /**
   * Calls `listener` with why, once the input stops early: a limit passed, a damaged part, a read error, the
   * signal. exceljs then waits forever for the rest of its zip, so whoever waits for exceljs listens here too.
   * Only the latest listener is kept (at once if the input has stopped already): one per wait, not one per row.
   */
  onFailure(listener: (error: Error) => void): void;
  /** Why the input stopped early, if it did. */
  failure(): Error | undefined;
  /** Stops reading (the consumer is done). */
  stop(): void;
}

/**
 * The workbook's parts for exceljs, each behind a local header written here from the central directory (so the
 * sizes exceljs's unzipper goes by are the ones counted here, whatever the file's own local headers say), then
 * padding and an empty end record (see below). A workbook whose central directory declares sizes past the limits
 * is refused before anything is unpacked; as the parts pass, their bytes are unpacked here too and counted, and
 * the input stops before exceljs gets the bytes that pass a limit: a zip that lies about its sizes is stopped
 * as soon as it unpacks further than it may.
 */
export async function workbookInput(path: string, { limits, signal, onBytes }: ReadOptions): Promise<WorkbookInput> {
  const { size, parts } = await workbookParts(path);
  refuseDeclaredBomb(parts, limits);

  let failure: Error | undefined;
  let listener: (error: Error) => void = () => undefined;
  const fail = (error: Error) => {
    failure ??= error;
    listener(failure);
  };
  const abort = () => fail(signal!.reason as Error);
  signal?.addEventListener('abort', abort, { once: true });

  async function* bytes(): AsyncGenerator<Buffer> {
    // Opened here, not above: a generator that never starts never runs its `finally`.
    const file = await open(path, 'r');
    try {
      const meter = new UnpackMeter(limits);
      let bytesRead = 0;
      for (const part of parts) {
        yield localHeader(part);
        for await (const chunk of meter.part(part, partBytes(file, part, size, signal))) {
          bytesRead += chunk.length;
          onBytes?.(bytesRead);
          yield chunk;
        }
      }
      yield paddingEntryHeader();
      for (let i = 0; i < PADDING_CHUNKS; i++) yield PADDING_CHUNK;
      yield emptyEndRecord();
    } catch (error) {
      fail(error as Error);
    } finally {
      await file.close();
    }
  }
  const stream = Readable.from(bytes(), { objectMode: false });
  return {
    stream,
    size,
    onFailure: (latest) => {
      listener = latest;
      if (failure) latest(failure);
    },
    failure: () => failure,
    stop: () => {
      signal?.removeEventListener('abort', abort);
      stream.destroy();
    },
  };
}

/**
 * Reads the end record in the file's last 64 KiB (22 bytes plus a comment of up to 65,535) and the central
 * directory it points to. A zip without an end record was cut off, typically by an interrupted download.
 */
async function workbookParts(path: string): Promise<{ size: number; parts: ZipEntry[] }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = await readAt(file, tailStart, size - tailStart);
    for (let at = tail.length - 22; at >= 0; at--) {
      if (tail.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) continue;
      let length = tail.readUInt32LE(at + 12);
      let offset = tail.readUInt32LE(at + 16);
      if (offset === IN_ZIP64 && at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_END_LOCATOR) {
        const zip64EndAt = Number(tail.readBigUInt64LE(at - 12));
        if (zip64EndAt + 56 > size) continue;
        const zip64End = await readAt(file, zip64EndAt, 56);
        if (zip64End.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) continue;
        length = Number(zip64End.readBigUInt64LE(40));
        offset = Number(zip64End.readBigUInt64LE(48));
      }
      if (offset + length > size) continue;
      const entries = directoryEntries(await readAt(file, offset, length));
      const parts = [...PARTS_BEFORE_SHEETS.flatMap((name) => entries.filter((entry) => entry.name === name)), ...entries.filter((entry) => SHEET.test(entry.name))];
      if (parts.some((part) => part.offset + part.packed > size)) break; // a part that would end past the file
      return { size, parts };
    }
    throw new ParseFailure(UNREADABLE_WORKBOOK);
  } finally {
    await file.close();
  }
}

function directoryEntries(directory: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === CENTRAL_DIRECTORY_ENTRY; ) {
    const nameEnd = at + 46 + directory.readUInt16LE(at + 28);
    const extraEnd = nameEnd + directory.readUInt16LE(at + 30);
    const entry = {
      name: directory.toString('utf8', at + 46, nameEnd),
      method: directory.readUInt16LE(at + 10),
      packed: directory.readUInt32LE(at + 20),
      unpacked: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    };
    entries.push(withZip64Values(entry, directory.subarray(nameEnd, extraEnd)));
    at = extraEnd + directory.readUInt16LE(at + 32);
  }
  return entries;
}

/** A zip64 entry's sizes and offset that did not fit in 32 bits, from its zip64 extra field (only those, in this order). */
function withZip64Values(entry: ZipEntry, extra: Buffer): ZipEntry {
  for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2)) {
    if (extra.readUInt16LE(at) !== ZIP64_EXTRA) continue;
    let field = at + 4;
    const value = () => (field + 8 <= extra.length ? Number(extra.readBigUInt64LE((field += 8) - 8)) : IN_ZIP64);
    if (entry.unpacked === IN_ZIP64) entry.unpacked = value();
    if (entry.packed === IN_ZIP64) entry.packed = value();
    if (entry.offset === IN_ZIP64) entry.offset = value();
  }
  return entry;
}

/** Whether `packed` bytes of a part that unpack to `unpacked`, with `total` for the workbook so far, pass a limit. */
function pastLimits(limits: XlsxLimits, packed: number, unpacked: number, total: number): boolean {
  const ratio = unpacked >= RATIO_FROM_BYTES && unpacked > limits.maxXlsxRatio * Math.max(packed, 1);
  return ratio || total > limits.maxXlsxUnpackedBytes;
}

/** Refuses a workbook whose parts, as its central directory declares them, would unpack too far. */
function refuseDeclaredBomb(parts: ZipEntry[], limits: XlsxLimits): void {
  let total = 0;
  for (const part of parts) {
    total += part.unpacked;
    if (pastLimits(limits, part.packed, part.unpacked, total)) throw tooLarge(limits);
  }
}

/** The packed bytes of a part, found through its own local header (whose name and extra field may differ in length). */
async function* partBytes(file: FileHandle, part: ZipEntry, size: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  if (part.offset + 30 > size) throw new ParseFailure(UNREADABLE_WORKBOOK);
  const header = await readAt(file, part.offset, 30);
  if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new ParseFailure(UNREADABLE_WORKBOOK);
  const start = part.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const end = start + part.packed;
  if (end > size) throw new ParseFailure(UNREADABLE_WORKBOOK);
  for (let at = start; at < end; ) {
    signal?.throwIfAborted();
    const chunk = await readAt(file, at, Math.min(READ_BYTES, end - at));
    at += chunk.length;
    yield chunk;
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Unpacks each part as its bytes pass, counting what it unpacks to, and passes a chunk on only once it is counted
 * and within the limits. The ratio is that of the bytes so far, so a bomb is caught after 16 MB, not after it
 * has unpacked a hundred times its whole size. Only stored and deflated parts are read (the only methods
 * spreadsheet programs write).
 */
class UnpackMeter {
  private total = 0;

  constructor(private readonly limits: XlsxLimits) {}

  async *part(part: ZipEntry, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    if (part.method !== STORED && part.method !== DEFLATED) throw new ParseFailure(UNREADABLE_WORKBOOK);
    const inflater = part.method === DEFLATED ? createInflateRaw() : null;
    let packed = 0;
    let unpacked = 0;
    const count = (bytes: number) => {
      unpacked += bytes;
      this.total += bytes;
    };
    inflater?.on('data', (piece: Buffer) => count(piece.length));
    inflater?.on('error', () => undefined); // reported through the write callbacks and `finished`
    try {
      for await (const chunk of chunks) {
        packed += chunk.length;
        if (inflater) await unpack(inflater, chunk);
        else count(chunk.length);
        if (pastLimits(this.limits, packed, unpacked, this.total)) throw tooLarge(this.limits);
        yield chunk;
      }
      if (inflater) {
        await finished(inflater.end()).catch(() => {
          throw new ParseFailure(UNREADABLE_WORKBOOK); // the part ends before its packed data does
        });
      }
    } finally {
      inflater?.destroy();
    }
  }
}

/** Feeds a chunk to the inflater; resolves once all it unpacks to has been counted. */
function unpack(inflater: InflateRaw, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => inflater.write(chunk, (error) => (error ? reject(new ParseFailure(UNREADABLE_WORKBOOK)) : resolve())));
}

/** A local header for a part: no data descriptor, the packed size from the central directory. */
function localHeader(part: ZipEntry): Buffer {
  const name = Buffer.from(part.name);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_FILE_HEADER, 0);
  header.writeUInt16LE(20, 4); // version needed; no flags, no date, no checksum and no unpacked size (unzipper checks none)
  header.writeUInt16LE(part.method, 8);
  header.writeUInt32LE(part.packed, 18);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

/**
 * exceljs 4.4 unzips with unzipper, which reports the end of the archive as soon as it has parsed the last
 * bytes, even when exceljs has not yet taken every entry from it; the entries still queued are silently
 * dropped (exceljs#1558, #3064), and with them a sheet, the shared strings or the workbook part. So exceljs
 * is given the parts without a central directory, followed by a large entry of padding and an empty end
 * record: unzipper cannot get past the padding, fed to it in small chunks, before exceljs has taken every real
 * entry and skips the padding (it reads entries strictly in order).
 */
const PADDING_NAME = Buffer.from('handin-padding');
const PADDING_CHUNK = Buffer.alloc(64 * 1024);
const PADDING_CHUNKS = 16; // 1 MiB: well over what unzipper's entry streams buffer without a reader

function paddingEntryHeader(): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_FILE_HEADER, 0);
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
