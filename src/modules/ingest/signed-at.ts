import { DateTime } from 'luxon';

/**
 * Coordinators describe their export's dates the way spreadsheets do (`DD/MM/YYYY HH:mm`); luxon spells the
 * same tokens differently, so the few that differ are translated. ISO 8601 is always accepted as well.
 */
const TOKEN_TRANSLATIONS: [RegExp, string][] = [
  [/YYYY/g, 'yyyy'],
  [/YY/g, 'yy'],
  [/DD/g, 'dd'],
  [/(?<![dD])D(?![dD])/g, 'd'],
];

export function toLuxonFormat(format: string): string {
  return TOKEN_TRANSLATIONS.reduce((f, [pattern, token]) => f.replace(pattern, token), format);
}

/** Returns null when the value cannot be read; times without an offset are read in the campaign's zone. */
export function parseSignedAt(raw: string, zone: string, luxonFormat: string | null): Date | null {
  const value = raw.trim();
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
