import { DateTime } from 'luxon';

/**
 * Coordinators describe their export's dates the way spreadsheets do (`DD/MM/YYYY HH:mm`); luxon spells the
 * same tokens differently, so the few that differ are translated. ISO 8601 is always accepted as well.
 * Beyond the tokens in the README: `A` is AM/PM (with `hh`/`h` for the 12-hour clock), `Z`/`ZZ`/`ZZZ` an
 * offset (+2, +02:00, +0200), `z` a zone name (GMT, UTC), and text in brackets is literal: Google Forms'
 * `2017/05/01 10:00:00 AM GMT+2` is `YYYY/MM/DD hh:mm:ss A [GMT]Z`.
 */
const TOKEN_TRANSLATIONS: [RegExp, string][] = [
  [/YYYY/g, 'yyyy'],
  [/YY/g, 'yy'],
  [/DD/g, 'dd'],
  [/(?<![dD])D(?![dD])/g, 'd'],
  [/(?<![A-Za-z])A(?![A-Za-z])/g, 'a'],
];

export function toLuxonFormat(format: string): string {
  // Bracketed text is kept as it is and quoted for luxon; only the parts between are translated.
  return format
    .split(/(\[[^\]]*\])/)
    .map((part) =>
      part.startsWith('[') && part.endsWith(']')
        ? `'${part.slice(1, -1).replace(/'/g, "''")}'`
        : TOKEN_TRANSLATIONS.reduce((f, [pattern, token]) => f.replace(pattern, token), part),
    )
    .join('');
}

/** Returns null when the value cannot be read; times without an offset are read in the campaign's zone. */
export function parseSignedAt(raw: string, zone: string, luxonFormat: string | null): Date | null {
  const value = raw.trim();
  const common = parseCommonIso(value, zone);
  if (common) return common;
  const candidates = [
    () => DateTime.fromISO(value, { zone }),
    () => DateTime.fromSQL(value, { zone }),
    ...(luxonFormat ? [() => DateTime.fromFormat(value, luxonFormat, { zone })] : []),
  ];
  for (const attempt of candidates) {
    const parsed = attempt();
    if (parsed.isValid) return parsed.toJSDate();
  }
  return null;
}

/**
 * The shapes nearly every export uses (`2017-05-30`, `2017-05-30 14:05:09`, `2017-05-30T14:05:09.123Z`,
 * `…+02:00`), read without luxon: building a luxon DateTime per row was a third of the parse stage's CPU time
 * (profiled in issue 5). Anything else, and any value out of range, returns null and goes to luxon, so this
 * only ever gives luxon's answer faster (test/unit/signed-at.spec.ts compares the two).
 */
const COMMON_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function parseCommonIso(value: string, zone: string): Date | null {
  const m = COMMON_ISO.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(wallClockAsUtc).getUTCDate() !== day) return null; // 31 April and the like

  if (m[8]) {
    const offsetMinutes = explicitOffsetMinutes(m[8]);
    return offsetMinutes === null ? null : new Date(wallClockAsUtc - offsetMinutes * 60_000);
  }
  const minuteStart = localMinuteStart(zone, year, month, day, hour, minute);
  return minuteStart === null ? null : new Date(minuteStart + second * 1000 + millis);
}

function explicitOffsetMinutes(offset: string): number | null {
  if (offset === 'Z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) return null;
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The instant a local wall-clock minute starts in the zone. luxon knows DST gaps and overlaps but is slow, so
 * it is asked twice per local hour (minutes 0 and 59): when they are 59 minutes apart the hour is regular and
 * its minutes are counted from its start; an hour with a change inside it asks luxon for each minute.
 */
const IRREGULAR = 'irregular';
const hourCache = new Map<string, number | typeof IRREGULAR>();
const HOUR_CACHE_LIMIT = 100_000;

function localMinuteStart(zone: string, year: number, month: number, day: number, hour: number, minute: number): number | null {
  const key = `${zone} ${year}-${month}-${day} ${hour}`;
  let hourStart = hourCache.get(key);
  if (hourStart === undefined) {
    const first = luxonMillis(zone, year, month, day, hour, 0);
    const last = luxonMillis(zone, year, month, day, hour, 59);
    hourStart = first !== null && last !== null && last - first === 59 * 60_000 ? first : IRREGULAR;
    if (hourCache.size >= HOUR_CACHE_LIMIT) hourCache.clear();
    hourCache.set(key, hourStart);
  }
  return hourStart === IRREGULAR ? luxonMillis(zone, year, month, day, hour, minute) : hourStart + minute * 60_000;
}

function luxonMillis(zone: string, year: number, month: number, day: number, hour: number, minute: number): number | null {
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  return local.isValid ? local.toMillis() : null;
}
