import { DETECTION_ROWS, DetectedReading, detectReading, Mapping, noDetection, ReadingSample } from './detection';
import { openRecords, ReadOptions } from './file-reader';

/**
 * The header row and the first data rows of an uploaded file, for detection (detection.ts). Rows of empty
 * cells are skipped. Throws what reading the file throws; callers that only want detection catch it, because
 * the parse stage or the preview reports a file it cannot read with the full message.
 */
export async function readSample(path: string, options: ReadOptions, rows = DETECTION_ROWS): Promise<ReadingSample | null> {
  const { records } = await openRecords(path, options);
  const sample: ReadingSample = { headers: [], rows: [] };
  let header = true;
  try {
    for await (const record of records as AsyncIterable<string[]>) {
      if (header) {
        sample.headers = record;
        header = false;
        continue;
      }
      if (record.every((value) => value.trim() === '')) continue;
      sample.rows.push(record);
      if (sample.rows.length >= rows) break;
    }
  } finally {
    records.destroy();
  }
  return header ? null : sample;
}

/**
 * Detection over the file's first rows; a file that cannot be read gets none (its reader reports why). A reading
 * stopped by the signal is not a file without detection: that error goes to the caller.
 */
export async function readingOfFile(path: string, sent: { mapping: Mapping | null; dateFormat: string | null }, options: ReadOptions): Promise<DetectedReading> {
  const sample = await readSample(path, options).catch((error: unknown) => {
    if (options.signal?.aborted) throw error;
    return null;
  });
  return sample ? detectReading(sample, sent) : noDetection(sent);
}
