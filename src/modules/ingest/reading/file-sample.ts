import { DETECTION_ROWS, DetectedReading, detectReading, Mapping, noDetection, ReadingSample } from './detection';
import { openRecords } from './file-reader';

/**
 * The header row and the first data rows of an uploaded file, for detection (detection.ts). Rows of empty
 * cells are skipped. Throws what reading the file throws; callers that only want detection catch it, because
 * the parse stage or the preview reports a file it cannot read with the full message.
 */
export async function readSample(path: string, rows = DETECTION_ROWS): Promise<ReadingSample | null> {
  const { records } = await openRecords(path);
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

/** Detection over the file's first rows; a file that cannot be read gets none (its reader reports why). */
export async function readingOfFile(path: string, sent: { mapping: Mapping | null; dateFormat: string | null }): Promise<DetectedReading> {
  const sample = await readSample(path).catch(() => null);
  return sample ? detectReading(sample, sent) : noDetection(sent);
}
