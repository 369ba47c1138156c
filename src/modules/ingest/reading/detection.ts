// What an export's first rows tell about how to read it when the upload does not say: which platform wrote it,
// the date format of its signing-time column, and which column holds the country (docs/design.md "Ingest").
// The preview and the upload run the same detection on the same rows, so the preview predicts the batch.
// Where the rows allow two readings, the result is a question, never a guess.
import { readsAsCountries } from '../../../domain/country';
import { detectDateFormat, DateReading } from './date-detection';
import { aliasField, CanonicalField, mapHeaders } from './header-mapping';
import { headerWords } from './header-text';
import { detectPlatform } from './platforms';

/** Data rows read for detection: enough for a day past the 12th to settle day-first, little enough to read on upload. */
export const DETECTION_ROWS = 20_000;

export interface ReadingSample {
  headers: string[];
  rows: string[][];
}

export type Mapping = Partial<Record<CanonicalField, string>>;

export interface DateQuestion {
  column: string;
  /** A value of the column that the readings read differently. */
  value: string;
  readings: DateReading[];
}

export interface CountryQuestion {
  /** Columns that could each be the country, with a few of their values. */
  candidates: { column: string; values: string[] }[];
}

export interface DetectedReading {
  platform: string | null;
  /** The mapping to read the file with: the one sent (or the preset), plus a country column found by detection. */
  mapping: Mapping | null;
  /** The date format to read the file with: the one sent (or the preset), else the detected one. */
  dateFormat: string | null;
  dateFormatDetected: boolean;
  dateQuestion: DateQuestion | null;
  /**
   * The column read as the country and why: the mapping sent, a country header, a header read word by word
   * ("Mailing Country") or its values. Null when every row counts for the section's country.
   */
  country: { column: string; from: 'mapping' | 'header' | 'words' | 'values' } | null;
  countryQuestion: CountryQuestion | null;
}

// Columns whose values can look like country codes without being where the signer lives: "Title" (Ms is
// Montserrat), "Language" (nl, de, fr), "Nationality", "Currency".
const NOT_A_COUNTRY_COLUMN = new Set(['title', 'salutation', 'prefix', 'gender', 'language', 'lang', 'locale', 'nationality', 'citizenship', 'currency']);
const EXAMPLE_VALUES = 3;

/** Detection over the file's first rows; `sent` is what the upload (or the section's preset) says. */
export function detectReading(sample: ReadingSample, sent: { mapping: Mapping | null; dateFormat: string | null }): DetectedReading {
  const { columns } = mapHeaders(sample.headers, sent.mapping ?? undefined);
  const valuesOf = (index: number) => sample.rows.map((row) => row[index] ?? '');

  const dates = sent.dateFormat || columns.signed_at === undefined ? null : detectDateFormat(valuesOf(columns.signed_at));
  const countries = detectCountryColumn(sample, columns, sent.mapping, valuesOf);
  // A detected column is named in the batch's mapping, so that every chunk of the file reads the same one.
  const detected = countries.country?.from === 'words' || countries.country?.from === 'values';
  const mapping = detected ? { ...(sent.mapping ?? {}), country: countries.country!.column } : sent.mapping;

  return {
    platform: detectPlatform(sample.headers),
    mapping,
    dateFormat: sent.dateFormat || (dates?.kind === 'format' ? dates.format : null),
    dateFormatDetected: !sent.dateFormat && dates?.kind === 'format',
    dateQuestion: dates?.kind === 'ambiguous' ? { column: sample.headers[columns.signed_at!], value: dates.value, readings: dates.readings } : null,
    ...countries,
  };
}

/** What is read when nothing could be detected: what was sent, as it was. */
export function noDetection(sent: { mapping: Mapping | null; dateFormat: string | null }): DetectedReading {
  return { platform: null, mapping: sent.mapping, dateFormat: sent.dateFormat, dateFormatDetected: false, dateQuestion: null, country: null, countryQuestion: null };
}

/**
 * The country column: the one mapped, else the header that is a country alias, else the one candidate among
 * headers that name a country word by word ("Mailing Country") and columns whose values are countries. With
 * two candidates the answer is a question.
 */
function detectCountryColumn(
  sample: ReadingSample,
  columns: Partial<Record<CanonicalField, number>>,
  sentMapping: Mapping | null,
  valuesOf: (index: number) => string[],
): Pick<DetectedReading, 'country' | 'countryQuestion'> {
  const header = (index: number) => sample.headers[index];
  if (sentMapping?.country !== undefined && columns.country !== undefined) return { country: { column: header(columns.country), from: 'mapping' }, countryQuestion: null };
  if (columns.country !== undefined && aliasField(header(columns.country)) === 'country') {
    return { country: { column: header(columns.country), from: 'header' }, countryQuestion: null };
  }

  const mapped = new Set(Object.values(columns));
  const candidates = sample.headers
    .map((_, index) => index)
    .filter((index) => index === columns.country || (!mapped.has(index) && mayHoldCountries(header(index)) && readsAsCountries(valuesOf(index))));
  if (candidates.length === 0) return { country: null, countryQuestion: null };
  if (candidates.length === 1) {
    const [index] = candidates;
    return { country: { column: header(index), from: index === columns.country ? 'words' : 'values' }, countryQuestion: null };
  }
  return {
    country: null,
    countryQuestion: { candidates: candidates.map((index) => ({ column: header(index), values: examples(valuesOf(index)) })) },
  };
}

function mayHoldCountries(header: string): boolean {
  return !headerWords(header).some((word) => NOT_A_COUNTRY_COLUMN.has(word));
}

function examples(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].slice(0, EXAMPLE_VALUES);
}

/** What the coordinator must send for an upload whose reading is a question; null when there is none. */
export function unansweredQuestion(reading: DetectedReading): string | null {
  const problems: string[] = [];
  if (reading.dateQuestion) {
    const { column, value, readings } = reading.dateQuestion;
    const ways = readings.map((r) => `${r.example} with dateFormat=${r.format}`).join(', or ');
    problems.push(`The dates in column "${column}" can be read two ways: "${value}" is ${ways}. Upload again with the dateFormat that is right.`);
  }
  if (reading.countryQuestion) {
    const columns = reading.countryQuestion.candidates.map((c) => `"${c.column}" (${c.values.join(', ')})`).join(' and ');
    const example = JSON.stringify({ ...(reading.mapping ?? {}), country: reading.countryQuestion.candidates[0].column });
    problems.push(`More than one column could be the signer's country: ${columns}. Upload again with the one to use, e.g. mapping=${example}.`);
  }
  return problems.length > 0 ? problems.join(' ') : null;
}
