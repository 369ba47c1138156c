// Reads a date column's format from its values, for uploads that send no dateFormat (docs/design.md "Ingest",
// Dates). A value settles what it can: 13/05/2017 can only be day-first, 05/13/2017 only month-first. A column
// whose values all read both ways (01/05/2017) is reported with both readings and never guessed: a wrong
// guess silently moves signatures by months and changes who counts first.
import { parseSignedAt, toLuxonFormat } from './signed-at';

/** One way to read the column: the format to send, and what a value of the column means under it. */
export interface DateReading {
  format: string;
  /** The question's value read with this format, as YYYY-MM-DD (and HH:mm when it has a time). */
  example: string;
}

export type DateDetection =
  /** Every value is ISO 8601 or `YYYY-MM-DD HH:mm:ss`: read without a format. */
  | { kind: 'iso' }
  | { kind: 'format'; format: string }
  /** The values fit more than one format; `value` is one they read differently. */
  | { kind: 'ambiguous'; value: string; readings: DateReading[] }
  /** No format fits the values: the rows are refused as invalid_signed_at until a dateFormat is sent. */
  | { kind: 'unknown' };

// Numbers with one separator, then an optional time (AM/PM allowed) and an optional offset or zone name:
// 13/05/2017, 5.1.17, 2017/05/01 10:00:00 AM GMT+2, 01-05-2017 10:00 +02:00, 05/01/2017 9:05 pm UTC.
const SHAPE =
  /^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?:(,? |T)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:( ?)([AaPp])\.?[Mm]\.?)?(?:( ?)(?:(GMT|UTC)([+-]\d{1,2}(?::?\d{2})?)?|([+-]\d{2}(?::?\d{2})?)))?)?$/;

interface Parts {
  value: string;
  first: string;
  separator: string;
  second: string;
  third: string;
  time: { separator: string; hour: string; minute: string; second?: string; meridiem?: { space: string; pm: boolean }; zone?: Zone } | null;
}
interface Zone {
  space: string;
  /** "GMT" or "UTC" written before the offset, or alone. */
  name?: string;
  offset?: string;
}

/** Values checked against luxon once a format is found; the shape checks above already covered every value. */
const VALUES_CHECKED = 200;

/** Detects the format of the column's values (blank values ignored). */
export function detectDateFormat(values: string[]): DateDetection {
  const shaped: Parts[] = [];
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') continue;
    const parts = partsOf(value);
    // 2017-05-01… is ISO unless it carries what ISO lacks (AM/PM, GMT+2); luxon is asked only then.
    const isoLike = parts === null || (parts.separator === '-' && parts.first.length === 4);
    if (isoLike && parseSignedAt(value, 'UTC', null) !== null) continue;
    if (parts === null) return { kind: 'unknown' };
    shaped.push(parts);
  }
  if (shaped.length === 0) return { kind: 'iso' };

  const formats = candidateFormats(shaped);
  if (formats.length === 0) return { kind: 'unknown' };
  if (formats.length === 1) return { kind: 'format', format: formats[0].format };
  const telling = shaped.find((p) => p.first !== p.second) ?? shaped[0];
  return {
    kind: 'ambiguous',
    value: telling.value,
    readings: formats.map(({ format, order }) => ({ format, example: exampleOf(telling, order) })),
  };
}

function partsOf(value: string): Parts | null {
  const m = SHAPE.exec(value);
  if (!m) return null;
  const [, first, separator, second, third, timeSeparator, hour, minute, secondOfMinute, meridiemSpace, meridiem, zoneSpace, zoneName, zoneNameOffset, offset] = m;
  const zone: Zone | undefined = zoneName || offset ? { space: zoneSpace, name: zoneName, offset: zoneNameOffset ?? offset } : undefined;
  return {
    value,
    first,
    separator,
    second,
    third,
    time: hour === undefined ? null : {
      separator: timeSeparator,
      hour,
      minute,
      second: secondOfMinute,
      meridiem: meridiem ? { space: meridiemSpace, pm: meridiem.toLowerCase() === 'p' } : undefined,
      zone,
    },
  };
}

type Order = 'YMD' | 'DMY' | 'MDY';

/** The formats every value fits, day-first before month-first. */
function candidateFormats(values: Parts[]): { format: string; order: Order }[] {
  const orders: Order[] = values.every((p) => p.first.length === 4)
    ? ['YMD']
    : values.every((p) => p.first.length <= 2 && (p.third.length === 4 || p.third.length === 2))
      ? ['DMY', 'MDY']
      : [];
  return orders
    .filter((order) => values.every((p) => plausible(p, order)))
    .map((order) => ({ order, format: formatOf(values, order) }))
    .filter(({ format }) => format !== null && values.slice(0, VALUES_CHECKED).every((p) => parseSignedAt(p.value, 'UTC', toLuxonFormat(format)) !== null)) as { format: string; order: Order }[];
}

function plausible(p: Parts, order: Order): boolean {
  const { day, month } = dayAndMonth(p, order);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function dayAndMonth(p: Parts, order: Order): { year: string; month: number; day: number } {
  if (order === 'YMD') return { year: p.first, month: Number(p.second), day: Number(p.third) };
  if (order === 'DMY') return { year: p.third, month: Number(p.second), day: Number(p.first) };
  return { year: p.third, month: Number(p.first), day: Number(p.second) };
}

/** The one format string that reads all values in this order, or null when they are written in different shapes. */
function formatOf(values: Parts[], order: Order): string | null {
  const shapes = new Set(values.map((p) => shapeKey(p)));
  if (shapes.size !== 1) return null;
  const p = values[0];
  // Unpadded tokens read one or two digits, padded ones exactly two: pad only when every value is padded.
  const width = (pick: (p: Parts) => string, padded: string, unpadded: string) => (values.every((v) => pick(v).length === 2) ? padded : unpadded);
  const day = width((v) => (order === 'YMD' ? v.third : order === 'DMY' ? v.first : v.second), 'DD', 'D');
  const month = width((v) => (order === 'YMD' ? v.second : order === 'DMY' ? v.second : v.first), 'MM', 'M');
  const year = (order === 'YMD' ? p.first : p.third).length === 4 ? 'YYYY' : 'YY';
  const date = (order === 'YMD' ? [year, month, day] : order === 'DMY' ? [day, month, year] : [month, day, year]).join(p.separator);
  if (!p.time) return date;

  const t = p.time;
  const twelveHour = t.meridiem !== undefined;
  const hour = width((v) => v.time!.hour, twelveHour ? 'hh' : 'HH', twelveHour ? 'h' : 'H');
  let format = `${date}${t.separator}${hour}:mm${t.second !== undefined ? ':ss' : ''}`;
  if (t.meridiem) format += `${t.meridiem.space}A`;
  if (t.zone) format += t.zone.space + zoneTokens(t.zone);
  return format;
}

/**
 * The offset or zone as format tokens. luxon's Z reads +2, +02 and +05:30 alike, so GMT+2 and GMT+5:30 share
 * one format; a bare GMT or UTC is read as that zone (z), not as the campaign's.
 */
function zoneTokens(zone: Zone): string {
  if (zone.offset === undefined) return 'z';
  const offset = zone.name ? 'Z' : zone.offset.includes(':') ? 'ZZ' : zone.offset.length === 5 ? 'ZZZ' : 'Z';
  return zone.name ? `[${zone.name}]${offset}` : offset;
}

/** What must be the same in every value for one format to read them all. */
function shapeKey(p: Parts): string {
  const t = p.time;
  const year = p.first.length === 4 ? 'Y4' : `Y${p.third.length}`;
  if (!t) return `${p.separator}|${year}`;
  const zone = t.zone ? `${t.zone.space}${zoneTokens(t.zone)}` : '';
  return [p.separator, year, t.separator, t.second !== undefined, t.meridiem ? t.meridiem.space : 'no', zone].join('|');
}

function exampleOf(p: Parts, order: Order): string {
  const { year, month, day } = dayAndMonth(p, order);
  const fullYear = year.length === 2 ? `20${year}` : year;
  const date = `${fullYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (!p.time) return date;
  let hour = Number(p.time.hour);
  if (p.time.meridiem) hour = (hour % 12) + (p.time.meridiem.pm ? 12 : 0);
  return `${date} ${String(hour).padStart(2, '0')}:${p.time.minute}`;
}
