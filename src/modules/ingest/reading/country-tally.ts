import { Transform, TransformCallback } from 'node:stream';
import { resolveCountry } from '../../../domain/country';

/**
 * Counts the rows of a file per country as the preview passes its records on: the column's value resolved, or
 * the section's country when the cell is empty or there is no country column. Values that resolve to nothing
 * are not counted (the preview's rejection counts show them as unknown_country). The first record is the header;
 * the column is named by its header text, as detection names it.
 */
export class CountryTally extends Transform {
  readonly counts: Record<string, number> = {};
  private header = true;
  private column: number | null = null;

  constructor(
    private readonly columnHeader: string | null,
    private readonly sectionCountry: string,
  ) {
    super({ objectMode: true });
  }

  override _transform(record: string[], _: BufferEncoding, done: TransformCallback): void {
    if (this.header) {
      this.header = false;
      const index = this.columnHeader === null ? -1 : record.indexOf(this.columnHeader);
      this.column = index < 0 ? null : index;
    } else if (!record.every((value) => value.trim() === '')) {
      const value = this.column === null ? '' : (record[this.column] ?? '').trim();
      const country = value === '' ? this.sectionCountry : resolveCountry(value);
      if (country) this.counts[country] = (this.counts[country] ?? 0) + 1;
    }
    done(null, record);
  }
}
