import { Options, stringify, Stringifier } from 'csv-stringify';
import { stringify as stringifyNow } from 'csv-stringify/sync';

/** A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Bidi controls (U+202E and friends) can make a cell read differently from what it holds. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A cell as every CSV that leaves Handin writes it: bidi controls removed, and a cell that a spreadsheet would
 * run as a formula ("=HYPERLINK(…)") prefixed with a single quote so it stays text (OWASP's advice).
 */
export function safeCell(cell: string): string {
  const visible = cell.replace(BIDI_CONTROLS, '');
  return FORMULA_START.test(visible) ? `'${visible}` : visible;
}

const SAFE: Options = { cast: { string: safeCell } };

/** The one CSV writer for files people open in a spreadsheet: rejections, duplicates, signature lists, totals. */
export function safeCsvStream(options: Options = {}): Stringifier {
  return stringify({ ...options, ...SAFE });
}

export function safeCsv(records: unknown[][]): string {
  return stringifyNow(records, SAFE);
}
