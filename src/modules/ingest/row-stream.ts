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

export interface RowStreamOptions {
  batchId: string;
  campaignId: number;
  explicitMapping: Partial<Record<CanonicalField, string>> | null;
  rules: Omit<RowRules, 'columns'>;
  rejections: Stringifier;
  /** Keep this many accepted rows in `sample` (the preview shows them). */
  sampleSize?: number;
}

export type SampleRow = { row: number } & Omit<AcceptedRow, 'signerKey'>;

const FLUSH_BYTES = 256 * 1024;

/**
 * Turns parsed CSV records into COPY lines for `signatures`, writing refused rows to the rejection report.
 * The first record is the header row. Output is flushed in large chunks: one push per row would dominate
 * the cost of a million-row file.
 */
export class RowStream extends Transform {
  readonly counts: RowCounts = { rows: 0, accepted: 0, rejected: 0, rejectionsByReason: {} };
  readonly sample: SampleRow[] = [];
  headers: string[] = [];
  private rules: RowRules | null = null;
  private reportColumns: number[] = [];
  private buffer = '';

  constructor(private readonly options: RowStreamOptions) {
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(record: string[], _: BufferEncoding, done: TransformCallback): void {
    try {
      if (!this.rules) {
        this.readHeader(record);
        return done();
      }
      if (record.every((value) => value.trim() === '')) return done(); // a row of empty cells is a blank line
      this.counts.rows++;
      const result = normaliseRow(record, this.rules);
      if (typeof result === 'string') {
        this.reject(record, result, done);
        return;
      }
      this.counts.accepted++;
      if (this.sample.length < (this.options.sampleSize ?? 0)) {
        const { signerKey, ...shown } = result; // never shown: it identifies the person
        this.sample.push({ row: this.counts.rows, ...shown });
      }
      this.buffer += this.copyLine(result);
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

  private readHeader(headers: string[]): void {
    this.headers = headers;
    const { columns, missingExplicit } = mapHeaders(headers, this.options.explicitMapping ?? undefined);
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
    this.rules = { ...this.options.rules, columns };
    this.reportColumns = headers.map((_, i) => i).filter((i) => i !== columns.email); // the report never repeats an e-mail
    this.options.rejections.write(['row', 'reason', 'explanation', ...this.reportColumns.map((i) => headers[i])]);
  }

  private reject(record: string[], reason: RejectionReason, done: TransformCallback): void {
    this.counts.rejected++;
    this.counts.rejectionsByReason[reason] = (this.counts.rejectionsByReason[reason] ?? 0) + 1;
    const line = [String(this.counts.rows), reason, REJECTION_REASONS[reason], ...this.reportColumns.map((i) => record[i] ?? '')];
    if (this.options.rejections.write(line)) done();
    else this.options.rejections.once('drain', () => done());
  }

  private copyLine(row: AcceptedRow): string {
    return copyTextLine([
      this.options.batchId,
      this.counts.rows,
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

/** The COPY target; the column order matches RowStream.copyLine. */
export const COPY_SIGNATURES_SQL =
  'COPY signatures (batch_id, row_number, campaign_id, signer_key, display_name, city, region, country, signed_at, consent, delivery_point_code, external_id) FROM STDIN';
