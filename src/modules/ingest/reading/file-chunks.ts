import { createReadStream } from 'node:fs';
import type { FileChunk } from '../../../queue/jobs';

/** The whole file as one chunk, for files that are not split (XLSX, UTF-16, CSV without LF line ends). */
export function wholeFile(): FileChunk {
  return { index: 0, start: 0, end: null, rowsBefore: 0, rows: 0, linesBefore: 0 };
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Splits a CSV in an ASCII-compatible encoding (UTF-8, Windows-1252) into chunks of about `chunkBytes` at
 * record boundaries, so that several workers can parse one large export at once (docs/design.md: ingest work is
 * chunked). A line break ends a record unless it is inside quotes, and in a file whose first line ends with
 * CR LF only CR LF does: the same rules csv-parse applies. Empty lines are not records (csv-parse's
 * `skip_empty_lines`). The bytes of `"`, CR and LF never occur inside a multi-byte UTF-8 character.
 *
 * Returns the chunks in order; the first holds the header row. Returns null when the file has no LF line
 * ends at all (old Mac CR files): csv-parse then ends records differently, and the file is read whole.
 */
export async function splitAtRecords(path: string, chunkBytes: number, signal?: AbortSignal): Promise<FileChunk[] | null> {
  const chunks: FileChunk[] = [];
  let chunkStart = 0;
  let rowsAtChunkStart = 0;
  let linesAtChunkStart = 0;

  let position = 0;
  let inQuotes = false;
  let crlf: boolean | null = null; // unknown until the first line end outside quotes
  let recordBytes = 0;
  let records = 0; // non-empty records ended so far, the header included
  let lines = 0;
  let previous = -1;

  for await (const block of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < block.length; i++, position++) {
      const byte = block[i];
      if (byte === LF) lines++;
      if (byte === QUOTE) inQuotes = !inQuotes;
      if (byte !== LF || inQuotes) {
        recordBytes++;
      } else {
        if (crlf === null) crlf = previous === CR;
        if (crlf && previous !== CR) {
          recordBytes++; // a bare LF inside a record of a CR LF file
        } else {
          if (recordBytes - (crlf ? 1 : 0) > 0) records++;
          recordBytes = 0;
          const dataRows = Math.max(records - 1, 0);
          if (position + 1 - chunkStart >= chunkBytes && dataRows > rowsAtChunkStart) {
            chunks.push({ index: chunks.length, start: chunkStart, end: position + 1, rowsBefore: rowsAtChunkStart, rows: dataRows - rowsAtChunkStart, linesBefore: linesAtChunkStart });
            chunkStart = position + 1;
            rowsAtChunkStart = dataRows;
            linesAtChunkStart = lines;
          }
        }
      }
      previous = byte;
    }
  }
  if (recordBytes > 0) records++; // a last record without a line end
  if (crlf === null) return null;
  const dataRows = Math.max(records - 1, 0);
  if (position > chunkStart || chunks.length === 0) {
    chunks.push({ index: chunks.length, start: chunkStart, end: null, rowsBefore: rowsAtChunkStart, rows: dataRows - rowsAtChunkStart, linesBefore: linesAtChunkStart });
  }
  return chunks;
}
