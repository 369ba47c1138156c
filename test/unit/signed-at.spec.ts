import { DateTime } from 'luxon';
import { parseSignedAt } from '../../src/modules/ingest/reading/signed-at';

/** luxon's reading, the reference the fast path must always agree with. */
function luxonReading(value: string, zone: string): number | null {
  for (const parsed of [DateTime.fromISO(value, { zone }), DateTime.fromSQL(value, { zone })]) {
    if (parsed.isValid) return parsed.toMillis();
  }
  return null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseSignedAt', () => {
  it('reads local times in the campaign zone and explicit offsets as given', () => {
    expect(parseSignedAt('2017-05-30 12:00', 'Europe/Amsterdam', null)?.toISOString()).toBe('2017-05-30T10:00:00.000Z');
    expect(parseSignedAt('2017-05-30T12:00:00+05:30', 'Europe/Amsterdam', null)?.toISOString()).toBe('2017-05-30T06:30:00.000Z');
    expect(parseSignedAt('2017-05-30', 'America/New_York', null)?.toISOString()).toBe('2017-05-30T04:00:00.000Z');
    expect(parseSignedAt('2017-05-30T12:00:00.1234Z', 'Asia/Tokyo', null)?.toISOString()).toBe('2017-05-30T12:00:00.123Z');
  });

  it('refuses impossible dates and times', () => {
    for (const value of ['2017-04-31', '2017-02-29', '2017-13-01', '2017-05-30 24:30', '2017-05-30 12:60', 'yesterday']) {
      expect(parseSignedAt(value, 'Europe/Amsterdam', null)).toBeNull();
    }
  });

  it('agrees with luxon on every minute around DST changes, including gaps, overlaps and half-hour shifts', () => {
    const transitions: [string, string][] = [
      ['Europe/Amsterdam', '2017-03-26'],
      ['Europe/Amsterdam', '2017-10-29'],
      ['America/New_York', '2017-03-12'],
      ['America/New_York', '2017-11-05'],
      ['Australia/Lord_Howe', '2017-04-02'],
      ['Australia/Lord_Howe', '2017-10-01'],
      ['Asia/Kathmandu', '2017-05-30'],
    ];
    for (const [zone, day] of transitions) {
      for (let minute = 0; minute < 24 * 60; minute += 7) {
        for (const value of [`${day} ${pad(Math.floor(minute / 60))}:${pad(minute % 60)}:13`, `${day}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`]) {
          expect([value, parseSignedAt(value, zone, null)?.getTime() ?? null]).toEqual([value, luxonReading(value, zone)]);
        }
      }
    }
  });

  it('agrees with luxon on the shapes exports use, with and without offsets', () => {
    const values = ['2017-05-30', '2017-05-30T23:59:59Z', '2017-05-30T23:59:59.5-03:00', '2017-01-01 00:00:00', '2016-02-29T12:00:00+14:00', '1999-12-31T23:59:59.999999Z'];
    for (const zone of ['UTC', 'Europe/Moscow', 'Pacific/Auckland']) {
      for (const value of values) expect([value, parseSignedAt(value, zone, null)?.getTime() ?? null]).toEqual([value, luxonReading(value, zone)]);
    }
  });

  it('still reads what only luxon knows, and the batch date format', () => {
    expect(parseSignedAt('2017-W22-2', 'UTC', null)?.toISOString()).toBe('2017-05-30T00:00:00.000Z');
    expect(parseSignedAt('20170530T120000Z', 'UTC', null)?.toISOString()).toBe('2017-05-30T12:00:00.000Z');
    expect(parseSignedAt('30/05/2017', 'UTC', 'dd/MM/yyyy')?.toISOString()).toBe('2017-05-30T00:00:00.000Z');
  });
});
