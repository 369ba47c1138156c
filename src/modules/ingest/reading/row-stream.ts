import { Transform, TransformCallback } from 'node:stream';
import { Stringifier } from 'csv-stringify';
import { copyTextLine } from './copy-text';
import { CanonicalField, mapHeaders } from './header-mapping';
import { ParseFailure } from './parse-failure';
import { AcceptedRow, normaliseRow, REJECTION_REASONS, RejectionReason, RowRules } from './row-normaliser';

export interface RowCounts {
  rows: number;
  accepted: number;
  rejected: number;
  rejectionsByReason: Partial<Record<RejectionReason, number>>;
}

/** How large a file may be: past any of these, the batch fails with a message (docs/design.md "Ingest"). */
export interface RowLimits {
  rows: number;
  columns: number;
  /** Characters in one value. */
  fieldChars: number;
}

export interface RowStreamOptions {
  batchId: string;
  campaignId: number;
  explicitMapping: Partial<Record<CanonicalField, string>> | null;
  rules: Omit<RowRules, 'columns'>;
  rejections: Stringifier;
  limits: RowLimits;
  /** Keep this many accepted rows in `sample` (the preview shows them). */
  sampleSize?: number;
  /**
   * A chunk after the first of a split file: the file's header row (its records are all data rows) and the
   * number of data rows before it. The first chunk, or a whole file, reads the header from its first record.
   */
  chunk?: { header: string[]; rowsBefore: number };
}

export type SampleRow = { row: number } & Omit<AcceptedRow, 'signerKey'>;

const FLUSH_BYTES = 256 * 1024;

/**
 * Turns parsed CSV records into COPY lines for `signatures`, writing refused rows to the rejection report.
 * The first record is the header row (unless `chunk` gives it). A row's number is its position among the
 * file's data rows, blank rows included, so that it points at the same row in the coordinator's file.
 * Output is flushed in large chunks: one push per row would dominate the cost of a million-row file.
 */
export class RowStream extends Transform {
  readonly counts: RowCounts = { rows: 0, accepted: 0, rejected: 0, rejectionsByReason: {} };
  readonly sample: SampleRow[] = [];
  headers: string[] = [];
  /** Data records read, blank rows included. */
  records = 0;
  private rules: RowRules | null = null;
  private reportColumns: number[] = [];
  private buffer = '';
  private readonly rowsBefore: number;

  constructor(private readonly options: RowStreamOptions) {
    super({ writableObjectMode: true, readableObjectMode: false });
    this.rowsBefore = options.chunk?.rowsBefore ?? 0;
    if (options.chunk) this.useHeader(options.chunk.header);
  }

  override _transform(record: string[], _: BufferEncoding, done: TransformCallback): void {
    try {
      if (!this.rules) {
        this.useHeader(record);
        this.options.rejections.write(['row', 'reason', 'explanation', ...this.reportColumns.map((i) => this.headers[i])]);
        return done();
      }
      this.records++;
      if (record.every((value) => value.trim() === '')) return done(); // a row of empty cells is a blank line
      this.counts.rows++;
      const rowNumber = this.rowsBefore + this.records;
      this.checkLimits(rowNumber, record);
      const result = normaliseRow(record, this.rules);
      if (typeof result === 'string') {
        this.reject(rowNumber, record, result, done);
        return;
      }
      this.counts.accepted++;
      if (this.sample.length < (this.options.sampleSize ?? 0)) {
        const { signerKey, ...shown } = result; // never shown: it identifies the person
        this.sample.push({ row: rowNumber, ...shown });
      }
      this.buffer += this.copyLine(rowNumber, result);
      if (this.buffer.length >= FLUSH_BYTES) this.flushBuffer();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.rules) return done(new ParseFailure('The file is empty: it has no header row and no data rows.'));
    this.flushBuffer();
    done();
  }

  /** Canonical field → the header it was read from, once the header row is read. */
  get mapping(): Partial<Record<CanonicalField, string>> {
    const columns = this.rules?.columns ?? {};
    return Object.fromEntries(Object.entries(columns).map(([field, index]) => [field, this.headers[index!]]));
  }

  private checkLimits(rowNumber: number, record: string[]): void {
    const { limits } = this.options;
    if (rowNumber > limits.rows) {
      throw new ParseFailure(`The file has more than ${limits.rows.toLocaleString('en')} rows, the most one upload may hold. Split it into smaller files and upload each.`);
    }
    const long = record.findIndex((value) => value.length > limits.fieldChars);
    if (long >= 0) {
      throw new ParseFailure(
        `Row ${rowNumber} has a value of more than ${limits.fieldChars.toLocaleString('en')} characters in column "${this.headers[long] ?? long + 1}". No signature needs that much: check the export.`,
      );
    }
  }

  private useHeader(headers: string[]): void {
    if (headers.length > this.options.limits.columns) {
      throw new ParseFailure(`The file has ${headers.length} columns; at most ${this.options.limits.columns} are read. Export only the columns you need (name, e-mail, country, city, date).`);
    }
    this.headers = headers;
    const columns = columnsOfHeader(headers, this.options.explicitMapping);
    this.rules = { ...this.options.rules, columns };
    this.reportColumns = headers.map((_, i) => i).filter((i) => i !== columns.email); // the report never repeats an e-mail
  }

  private reject(rowNumber: number, record: string[], reason: RejectionReason, done: TransformCallback): void {
    this.counts.rejected++;
    this.counts.rejectionsByReason[reason] = (this.counts.rejectionsByReason[reason] ?? 0) + 1;
    const line = [String(rowNumber), reason, REJECTION_REASONS[reason], ...this.reportColumns.map((i) => record[i] ?? '')];
    if (this.options.rejections.write(line)) done();
    else this.options.rejections.once('drain', () => done());
  }

  /** One COPY line; the values in the column order of SignaturesRepository's COPY statement. */
  private copyLine(rowNumber: number, row: AcceptedRow): string {
    return copyTextLine([
      this.options.batchId,
      rowNumber,
      this.options.campaignId,
      row.signerKey,
      row.displayName,
      row.city,
      row.region,
      row.country,
      row.signedAt.toISOString(),
      row.consent,
      row.deliveryPoint,
      row.externalId,
    ]);
  }

  private flushBuffer(): void {
    if (this.buffer) this.push(this.buffer);
    this.buffer = '';
  }
}

/**
 * Which column holds which field, from the header row and the coordinator's explicit mapping. Throws a
 * ParseFailure that says what is missing and how to map it when the rows could not be read.
 */
export function columnsOfHeader(headers: string[], explicitMapping: Partial<Record<CanonicalField, string>> | null): Partial<Record<CanonicalField, number>> {
  const { columns, missingExplicit } = mapHeaders(headers, explicitMapping ?? undefined);
  const found = headers.map((h) => `"${h}"`).join(', ');
  if (missingExplicit.length > 0) {
    throw new ParseFailure(`The mapping names column(s) ${missingExplicit.map((h) => `"${h}"`).join(', ')} that the file does not have. Columns found: ${found}.`);
  }
  const hasName = columns.full_name !== undefined || (columns.first_name !== undefined && columns.last_name !== undefined);
  const canIdentify = columns.email !== undefined || columns.postcode !== undefined || columns.city !== undefined;
  if (!hasName || !canIdentify) {
    const missing = [!hasName && 'a name (full_name, or first_name and last_name)', !canIdentify && 'an e-mail (email), or a postcode or city'].filter(Boolean);
    const example = JSON.stringify({ [hasName ? 'email' : 'full_name']: headers[0] ?? 'Column A' });
    throw new ParseFailure(
      `Could not find ${missing.join(' and ')} among the columns. Columns found: ${found}. ` +
        `Upload again with a mapping from field to column name, e.g. mapping=${example}.`,
    );
  }
  return columns;
}
