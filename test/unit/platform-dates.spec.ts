import { detectDateFormat } from '../../src/modules/ingest/reading/date-detection';
import { parseSignedAt, toLuxonFormat } from '../../src/modules/ingest/reading/signed-at';

const read = (value: string, format: string, zone = 'Europe/Amsterdam') => parseSignedAt(value, zone, toLuxonFormat(format))?.toISOString() ?? null;

describe('dates read from the column', () => {
  it('needs no format for ISO 8601 and SQL-style dates', () => {
    expect(detectDateFormat(['2017-05-01', '2017-05-13T10:00:00Z', '2017-05-02 10:00:00', ''])).toEqual({ kind: 'iso' });
  });

  it('settles day-first from a day past the 12th, month-first from a month past it', () => {
    expect(detectDateFormat(['01/05/2017', '13/05/2017', '02/05/2017'])).toEqual({ kind: 'format', format: 'DD/MM/YYYY' });
    expect(detectDateFormat(['05/01/2017', '05/13/2017'])).toEqual({ kind: 'format', format: 'MM/DD/YYYY' });
    expect(detectDateFormat(['1.5.2017 9:05', '13.5.2017 17:30'])).toEqual({ kind: 'format', format: 'D.M.YYYY H:mm' });
    expect(detectDateFormat(['5/1/2017 9:05:00', '12/31/2017 23:59:00'])).toEqual({ kind: 'format', format: 'M/D/YYYY H:mm:ss' });
  });

  it('asks about a column that reads both ways, showing both readings', () => {
    expect(detectDateFormat(['01/05/2017', '02/05/2017 '])).toEqual({
      kind: 'ambiguous',
      value: '01/05/2017',
      readings: [
        { format: 'DD/MM/YYYY', example: '2017-05-01' },
        { format: 'MM/DD/YYYY', example: '2017-01-05' },
      ],
    });
  });

  it('understands AM/PM and GMT+2-style offsets (Google Forms)', () => {
    const values = ['2017/05/01 10:00:00 AM GMT+2', '2017/05/13 1:30:00 PM GMT+2', '2017/11/01 9:00:00 AM GMT+1'];
    const detected = detectDateFormat(values);
    expect(detected).toEqual({ kind: 'format', format: 'YYYY/MM/DD h:mm:ss A [GMT]Z' });
    const format = (detected as { format: string }).format;
    expect(values.map((v) => read(v, format))).toEqual(['2017-05-01T08:00:00.000Z', '2017-05-13T11:30:00.000Z', '2017-11-01T08:00:00.000Z']);
    expect(read('2017/05/01 12:15:00 AM GMT+5:30', format)).toBe('2017-04-30T18:45:00.000Z');
  });

  it('reads numeric offsets and a bare GMT or UTC as written, not in the campaign zone', () => {
    expect(detectDateFormat(['13-05-2017 10:00 +02:00'])).toEqual({ kind: 'format', format: 'DD-MM-YYYY HH:mm ZZ' });
    expect(read('13-05-2017 10:00 +02:00', 'DD-MM-YYYY HH:mm ZZ')).toBe('2017-05-13T08:00:00.000Z');
    const utc = detectDateFormat(['13/05/2017 10:00 UTC']);
    expect(utc).toEqual({ kind: 'format', format: 'DD/MM/YYYY HH:mm z' });
    expect(read('13/05/2017 10:00 UTC', 'DD/MM/YYYY HH:mm z')).toBe('2017-05-13T10:00:00.000Z');
  });

  it('finds nothing in values no format describes, or in values written in two shapes', () => {
    expect(detectDateFormat(['yesterday', '13/05/2017'])).toEqual({ kind: 'unknown' });
    expect(detectDateFormat(['13/05/2017', '14/05/2017 10:00'])).toEqual({ kind: 'unknown' });
    expect(detectDateFormat(['32/05/2017', '05/33/2017'])).toEqual({ kind: 'unknown' });
  });

  it('translates the format tokens for luxon, keeping bracketed text literal', () => {
    expect(toLuxonFormat('YYYY/MM/DD hh:mm:ss A [GMT]Z')).toBe("yyyy/MM/dd hh:mm:ss a 'GMT'Z");
    expect(toLuxonFormat('DD/MM/YYYY HH:mm')).toBe('dd/MM/yyyy HH:mm');
    expect(toLuxonFormat('D.M.YY')).toBe('d.M.yy');
  });
});
