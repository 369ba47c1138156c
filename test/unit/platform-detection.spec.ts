import { readsAsCountries } from '../../src/domain/country';
import { detectReading, unansweredQuestion } from '../../src/modules/ingest/reading/detection';

const nothingSent = { mapping: null, dateFormat: null };

describe('country columns read from their values', () => {
  it('knows a column of alpha-2, alpha-3 codes or names in the supported languages', () => {
    expect(readsAsCountries(['NL', 'deu', 'Pays-Bas', 'Deutschland', '台灣', ''])).toBe(true);
    expect(readsAsCountries(['Jordan', 'Chad', 'Anna', 'Piet'])).toBe(false); // first names, some of them countries
    expect(readsAsCountries(['NL'])).toBe(false); // one value decides nothing
  });

  it('reads an unfamiliar header as the country when its values say so, and maps it for the batch', () => {
    const sample = { headers: ['Naam', 'Email', 'Herkomst'], rows: [['A', 'a@example.org', 'NL'], ['B', 'b@example.org', 'Belgique'], ['C', 'c@example.org', 'DEU']] };
    const reading = detectReading(sample, nothingSent);
    expect(reading.country).toEqual({ column: 'Herkomst', from: 'values' });
    expect(reading.mapping).toEqual({ country: 'Herkomst' });
    expect(reading.countryQuestion).toBeNull();
  });

  it('asks when two columns could be the country', () => {
    const sample = {
      headers: ['Naam', 'Email', 'Mailing Country Name', 'Herkomst'],
      rows: [['A', 'a@example.org', 'Netherlands', 'NL'], ['B', 'b@example.org', 'Germany', 'DE']],
    };
    const reading = detectReading(sample, nothingSent);
    expect(reading.country).toBeNull();
    expect(reading.mapping).toBeNull();
    expect(reading.countryQuestion).toEqual({
      candidates: [{ column: 'Mailing Country Name', values: ['Netherlands', 'Germany'] }, { column: 'Herkomst', values: ['NL', 'DE'] }],
    });
    expect(unansweredQuestion(reading)).toMatch(/"Mailing Country Name" \(Netherlands, Germany\) and "Herkomst" \(NL, DE\).*mapping=\{"country":"Mailing Country Name"\}/);
  });

  it('trusts a country header or a sent mapping over values, and never reads a language column as countries', () => {
    const sample = { headers: ['Name', 'Email', 'Country', 'Language', 'Herkomst'], rows: [['A', 'a@example.org', 'NL', 'nl', 'BE'], ['B', 'b@example.org', 'DE', 'de', 'FR']] };
    expect(detectReading(sample, nothingSent)).toMatchObject({ country: { column: 'Country', from: 'header' }, countryQuestion: null, mapping: null });
    expect(detectReading(sample, { mapping: { country: 'Herkomst' }, dateFormat: null })).toMatchObject({ country: { column: 'Herkomst', from: 'mapping' }, countryQuestion: null });
    const noCountryHeader = { headers: ['Name', 'Email', 'Language'], rows: [['A', 'a@example.org', 'nl'], ['B', 'b@example.org', 'de']] };
    expect(detectReading(noCountryHeader, nothingSent).country).toBeNull();
  });
});

describe('the date format read from the signing-time column', () => {
  const sample = (dates: string[]) => ({ headers: ['Name', 'Email', 'Datum'], rows: dates.map((d, i) => [`P${i}`, `p${i}@example.org`, d]) });

  it('is the format used when none was sent, and says it was detected', () => {
    expect(detectReading(sample(['01/05/2017', '13/05/2017']), nothingSent)).toMatchObject({ dateFormat: 'DD/MM/YYYY', dateFormatDetected: true, dateQuestion: null });
  });

  it('is a question, with no format, when the column reads both ways', () => {
    const reading = detectReading(sample(['01/05/2017', '02/05/2017']), nothingSent);
    expect(reading).toMatchObject({ dateFormat: null, dateFormatDetected: false });
    expect(reading.dateQuestion).toEqual({
      column: 'Datum',
      value: '01/05/2017',
      readings: [{ format: 'DD/MM/YYYY', example: '2017-05-01' }, { format: 'MM/DD/YYYY', example: '2017-01-05' }],
    });
    expect(unansweredQuestion(reading)).toContain('"01/05/2017" is 2017-05-01 with dateFormat=DD/MM/YYYY, or 2017-01-05 with dateFormat=MM/DD/YYYY');
  });

  it('is not looked for when a format was sent or saved', () => {
    expect(detectReading(sample(['01/05/2017']), { mapping: null, dateFormat: 'MM/DD/YYYY' })).toMatchObject({ dateFormat: 'MM/DD/YYYY', dateFormatDetected: false, dateQuestion: null });
    expect(unansweredQuestion(detectReading(sample(['2017-05-01']), nothingSent))).toBeNull();
  });
});
