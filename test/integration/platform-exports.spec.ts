import { stringify } from 'csv-stringify/sync';
import { TestApp } from '../support/test-app';

/**
 * Exports as the platforms sections use write them (issue 15): each fixture has a platform's column names and
 * date style, written here with invented people. The preview names the platform, the mapping, the date format
 * and the rows per country; the upload then counts every person with that reading, sending nothing but the file.
 */
interface PlatformExport {
  platform: string | null;
  headers: string[];
  rows: string[][];
  mapping: Record<string, string>;
  /** The date format detected from the values; null when the dates are ISO. */
  dateFormat: string | null;
  countries: { column: string | null; counts: Record<string, number> };
  /** The first row's signing time, as stored. */
  firstSignedAt: string;
}

const EXPORTS: PlatformExport[] = [
  {
    platform: 'Action Network',
    headers: ['uuid', 'first_name', 'last_name', 'email', 'zip_code', 'can2_user_city', 'can2_state_abbreviated', 'can2_country', 'created_date', 'can2_phone'],
    rows: [
      ['a1', 'Anna', 'Ahl', 'anna.an@example.org', '1011 AB', 'Amsterdam', 'NH', 'NL', '2017-05-13 10:00:00', ''],
      ['a2', 'Bert', 'Berg', 'bert.an@example.org', '10115', 'Berlin', 'BE', 'DE', '2017-05-14 11:00:00', ''],
      ['a3', 'Carla', 'Cruz', 'carla.an@example.org', '75001', 'Paris', '', 'FR', '2017-05-15 12:00:00', ''],
    ],
    mapping: { external_id: 'uuid', first_name: 'first_name', last_name: 'last_name', email: 'email', postcode: 'zip_code', city: 'can2_user_city', region: 'can2_state_abbreviated', country: 'can2_country', signed_at: 'created_date' },
    dateFormat: null,
    countries: { column: 'can2_country', counts: { NL: 1, DE: 1, FR: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'ActionKit',
    headers: ['user_id', 'email', 'first_name', 'last_name', 'city', 'state', 'zip', 'country', 'created_at', 'action_id', 'page_id'],
    rows: [
      ['101', 'anna.ak@example.org', 'Anna', 'Ahl', 'Utrecht', '', '3511', 'Netherlands', '2017-05-13 10:00:00', '9001', '12'],
      ['102', 'bert.ak@example.org', 'Bert', 'Berg', 'Köln', '', '50667', 'Germany', '2017-05-13 10:05:00', '9002', '12'],
      ['103', 'carla.ak@example.org', 'Carla', 'Cruz', 'Leiden', '', '2311', '', '2017-05-13 10:09:00', '9003', '12'],
    ],
    mapping: { external_id: 'user_id', email: 'email', first_name: 'first_name', last_name: 'last_name', city: 'city', region: 'state', postcode: 'zip', country: 'country', signed_at: 'created_at' },
    dateFormat: null,
    countries: { column: 'country', counts: { NL: 2, DE: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'Engaging Networks',
    headers: ['Supporter ID', 'Supporter Email', 'First Name', 'Last Name', 'City', 'Postcode', 'Country', 'Campaign ID', 'Campaign Date', 'Campaign Time'],
    rows: [
      ['5001', 'anna.en@example.org', 'Anna', 'Ahl', 'Delft', '2611', 'NL', '77', '05/13/2017', '10:00'],
      ['5002', 'bert.en@example.org', 'Bert', 'Berg', 'Gent', '9000', 'BE', '77', '05/02/2017', '11:00'],
      ['5003', 'carla.en@example.org', 'Carla', 'Cruz', 'Haarlem', '2011', 'NL', '77', '05/20/2017', '12:00'],
    ],
    mapping: { external_id: 'Supporter ID', email: 'Supporter Email', first_name: 'First Name', last_name: 'Last Name', city: 'City', postcode: 'Postcode', country: 'Country', signed_at: 'Campaign Date' },
    dateFormat: 'MM/DD/YYYY',
    countries: { column: 'Country', counts: { NL: 2, BE: 1 } },
    firstSignedAt: '2017-05-12T22:00:00.000Z',
  },
  {
    platform: 'Salesforce',
    headers: ['Contact ID', 'First Name', 'Last Name', 'Email', 'Mailing City', 'Mailing State/Province', 'Mailing Zip/Postal Code', 'Mailing Country', 'Created Date', 'Account Name'],
    rows: [
      ['0031', 'Anna', 'Ahl', 'anna.sf@example.org', 'Zwolle', 'OV', '8011', 'Netherlands', '13/05/2017 10:00', 'Ahl Household'],
      ['0032', 'Bert', 'Berg', 'bert.sf@example.org', 'Assen', 'DR', '9401', 'Nederland', '02/05/2017 09:30', 'Berg Household'],
      ['0033', 'Carla', 'Cruz', 'carla.sf@example.org', 'Bonn', 'NW', '53111', 'Germany', '21/05/2017 18:45', 'Cruz Household'],
    ],
    mapping: { external_id: 'Contact ID', first_name: 'First Name', last_name: 'Last Name', email: 'Email', city: 'Mailing City', region: 'Mailing State/Province', postcode: 'Mailing Zip/Postal Code', country: 'Mailing Country', signed_at: 'Created Date' },
    dateFormat: 'DD/MM/YYYY HH:mm',
    countries: { column: 'Mailing Country', counts: { NL: 2, DE: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'CiviCRM',
    headers: ['Contact ID', 'Contact Type', 'Display Name', 'Sort Name', 'Email', 'City', 'Postal Code', 'State', 'Country', 'Activity Date'],
    rows: [
      ['71', 'Individual', 'Anna Ahl', 'Ahl, Anna', 'anna.civi@example.org', 'Breda', '4811', '', 'Netherlands', '2017-05-13 10:00:00'],
      ['72', 'Individual', 'Bert Berg', 'Berg, Bert', 'bert.civi@example.org', 'Lyon', '69001', '', 'France', '2017-05-13 11:00:00'],
      ['73', 'Individual', 'Carla Cruz', 'Cruz, Carla', 'carla.civi@example.org', 'Tilburg', '5011', '', 'Netherlands', '2017-05-13 12:00:00'],
    ],
    mapping: { external_id: 'Contact ID', full_name: 'Display Name', email: 'Email', city: 'City', postcode: 'Postal Code', region: 'State', country: 'Country', signed_at: 'Activity Date' },
    dateFormat: null,
    countries: { column: 'Country', counts: { NL: 2, FR: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'Mailchimp',
    headers: ['Email Address', 'First Name', 'Last Name', 'MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'GMTOFF', 'DSTOFF', 'TIMEZONE', 'CC', 'REGION', 'LAST_CHANGED', 'LEID', 'EUID'],
    rows: [
      ['anna.mc@example.org', 'Anna', 'Ahl', '2', '2017-05-13 10:00:00', '192.0.2.1', '2017-05-13 10:05:00', '192.0.2.1', '1', '2', 'Europe/Amsterdam', 'nl', 'UT', '2017-05-13 10:05:00', '1', 'aa'],
      ['bert.mc@example.org', 'Bert', 'Berg', '2', '2017-05-13 11:00:00', '192.0.2.2', '', '', '1', '2', 'Europe/Berlin', 'de', 'BY', '2017-05-13 11:00:00', '2', 'bb'],
      ['carla.mc@example.org', 'Carla', 'Cruz', '2', '2017-05-13 12:00:00', '192.0.2.3', '', '', '1', '2', 'Europe/Amsterdam', 'nl', 'NH', '2017-05-13 12:00:00', '3', 'cc'],
    ],
    mapping: { email: 'Email Address', first_name: 'First Name', last_name: 'Last Name', signed_at: 'OPTIN_TIME', country: 'CC', region: 'REGION' },
    dateFormat: null,
    countries: { column: 'CC', counts: { NL: 2, DE: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'EveryAction',
    headers: ['VANID', 'Last', 'First', 'Mid', 'Address', 'City', 'State', 'Zip5', 'Preferred Email', 'Date Created'],
    rows: [
      ['900001', 'Ahl', 'Anna', 'J', '1 Main St', 'Leiden', '', '2311', 'anna.ea@example.org', '5/13/2017'],
      ['900002', 'Berg', 'Bert', 'K', '2 Main St', 'Gouda', '', '2801', 'bert.ea@example.org', '5/2/2017'],
      ['900003', 'Cruz', 'Carla', '', '3 Main St', 'Ede', '', '6711', 'carla.ea@example.org', '5/20/2017'],
    ],
    mapping: { external_id: 'VANID', last_name: 'Last', first_name: 'First', city: 'City', region: 'State', postcode: 'Zip5', email: 'Preferred Email', signed_at: 'Date Created' },
    dateFormat: 'M/D/YYYY',
    countries: { column: null, counts: { NL: 3 } },
    firstSignedAt: '2017-05-12T22:00:00.000Z',
  },
  {
    platform: 'Change.org',
    headers: ['Name', 'Email', 'City', 'State', 'Postal Code', 'Country Code', 'Signed On', 'Reason for Signing'],
    rows: [
      ['Anna Ahl', 'anna.co@example.org', 'Venlo', '', '5911', 'NL', '2017-05-13', 'Because'],
      ['Bert Berg', 'bert.co@example.org', 'Essen', '', '45127', 'DE', '2017-05-14', ''],
      ['Carla Cruz', 'carla.co@example.org', 'Boston', 'MA', '02108', 'US', '2017-05-15', ''],
    ],
    mapping: { full_name: 'Name', email: 'Email', city: 'City', region: 'State', postcode: 'Postal Code', country: 'Country Code', signed_at: 'Signed On' },
    dateFormat: null,
    countries: { column: 'Country Code', counts: { NL: 1, DE: 1, US: 1 } },
    firstSignedAt: '2017-05-12T22:00:00.000Z',
  },
  {
    platform: 'Proca',
    headers: ['actionId', 'actionPageId', 'createdAt', 'contactRef', 'firstName', 'lastName', 'email', 'postcode', 'locality', 'country'],
    rows: [
      ['1', '42', '2017-05-13T10:00:00.000Z', 'ref1', 'Anna', 'Ahl', 'anna.proca@example.org', '1011', 'Amsterdam', 'NL'],
      ['2', '42', '2017-05-13T10:01:00.000Z', 'ref2', 'Bert', 'Berg', 'bert.proca@example.org', '1010', 'Wien', 'AT'],
      ['3', '42', '2017-05-13T10:02:00.000Z', 'ref3', 'Carla', 'Cruz', 'carla.proca@example.org', '10115', 'Berlin', 'DE'],
    ],
    mapping: { signed_at: 'createdAt', external_id: 'contactRef', first_name: 'firstName', last_name: 'lastName', email: 'email', postcode: 'postcode', city: 'locality', country: 'country' },
    dateFormat: null,
    countries: { column: 'country', counts: { NL: 1, AT: 1, DE: 1 } },
    firstSignedAt: '2017-05-13T10:00:00.000Z',
  },
  {
    platform: 'Google Forms',
    headers: ['Timestamp', 'Email Address', 'What is your name?', 'Which country do you live in?', 'Your postcode'],
    rows: [
      ['2017/05/13 10:00:00 AM GMT+2', 'anna.gf@example.org', 'Anna Ahl', 'Nederland', '1011'],
      ['2017/05/13 3:15:00 PM GMT+2', 'bert.gf@example.org', 'Bert Berg', 'Duitsland', '10115'],
      ['2017/05/14 9:00:00 AM GMT+2', 'carla.gf@example.org', 'Carla Cruz', 'België', '1000'],
    ],
    mapping: { signed_at: 'Timestamp', email: 'Email Address', full_name: 'What is your name?', country: 'Which country do you live in?', postcode: 'Your postcode' },
    dateFormat: 'YYYY/MM/DD h:mm:ss A [GMT]Z',
    countries: { column: 'Which country do you live in?', counts: { NL: 1, DE: 1, BE: 1 } },
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: 'Typeform',
    headers: ['#', "What's your first name?", 'And your last name?', 'What is your email address?', 'In which city do you live?', 'Start Date (UTC)', 'Submit Date (UTC)', 'Network ID'],
    rows: [
      ['r1x', 'Anna', 'Ahl', 'anna.tf@example.org', 'Arnhem', '2017-05-13 09:58:00', '2017-05-13 10:00:00', 'f00d'],
      ['r2x', 'Bert', 'Berg', 'bert.tf@example.org', 'Zutphen', '2017-05-13 10:58:00', '2017-05-13 11:00:00', 'beef'],
      ['r3x', 'Carla', 'Cruz', 'carla.tf@example.org', 'Deventer', '2017-05-13 11:58:00', '2017-05-13 12:00:00', 'cafe'],
    ],
    mapping: { first_name: "What's your first name?", last_name: 'And your last name?', email: 'What is your email address?', city: 'In which city do you live?', signed_at: 'Submit Date (UTC)' },
    dateFormat: null,
    countries: { column: null, counts: { NL: 3 } },
    // Read in the campaign's zone like every time without an offset (README "Values"), though the header says UTC.
    firstSignedAt: '2017-05-13T08:00:00.000Z',
  },
  {
    platform: null, // a sheet a volunteer typed: an unfamiliar country header, day-first dates without padding
    headers: ['Naam', 'E-mail', 'Woonplaats', 'Herkomst', 'Datum'],
    rows: [
      ['Anna Ahl', 'anna.xl@example.org', 'Utrecht', 'NL', '13-5-2017'],
      ['Bert Berg', 'bert.xl@example.org', 'Antwerpen', 'BEL', '2-5-2017'],
      ['Carla Cruz', 'carla.xl@example.org', 'Aachen', 'Duitsland', '20-5-2017'],
    ],
    mapping: { full_name: 'Naam', email: 'E-mail', city: 'Woonplaats', country: 'Herkomst', signed_at: 'Datum' },
    dateFormat: 'D-M-YYYY',
    countries: { column: 'Herkomst', counts: { NL: 1, BE: 1, DE: 1 } },
    firstSignedAt: '2017-05-12T22:00:00.000Z',
  },
];

describe('exports from the platforms sections use', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  const send = (slug: string, section: string, text: string, options: { dryRun?: boolean; fields?: Record<string, string> } = {}) => t.upload(admin, slug, section, text, options);
  const counted = async (slug: string, section: string, text: string, fields: Record<string, string> = {}) => {
    const res = await send(slug, section, text, { fields }).expect(202);
    return t.waitForBatch(admin, res.body.id);
  };
  const counters = (b: any) => ({ status: b.status, rows: b.rows, accepted: b.accepted, rejected: b.rejected, duplicatesExisting: b.duplicatesExisting, counted: b.counted });

  it.each(EXPORTS.map((e) => [e.platform ?? 'a volunteer’s sheet', e] as const))('%s: previewed with its reading, then counted with nothing sent', async (_, fixture) => {
    const slug = await t.newCampaign(admin);
    const text = stringify([fixture.headers, ...fixture.rows]);

    const preview = await send(slug, 'NL', text, { dryRun: true }).expect(200);
    expect(preview.body).toMatchObject({
      platform: fixture.platform,
      mapping: fixture.mapping,
      dateFormat: fixture.dateFormat,
      dateFormatDetected: fixture.dateFormat !== null,
      dateQuestion: null,
      countries: fixture.countries,
      countryQuestion: null,
      rows: 3,
      accepted: 3,
    });

    const batch = await counted(slug, 'NL', text);
    expect(counters(batch)).toEqual({ status: 'done', rows: 3, accepted: 3, rejected: 0, duplicatesExisting: 0, counted: 3 });
    const stored = await t.world.sql('SELECT signed_at, country FROM signatures WHERE batch_id = $1 ORDER BY row_number', [batch.id]);
    expect((stored[0].signed_at as Date).toISOString()).toBe(fixture.firstSignedAt);
    const perCountry: Record<string, number> = {};
    for (const { country } of stored) perCountry[country] = (perCountry[country] ?? 0) + 1;
    expect(perCountry).toEqual(fixture.countries.counts);
  });

  describe('a date column that reads both ways', () => {
    const text = stringify([['Naam', 'E-mail', 'Datum'], ['Anna Ahl', 'anna.q@example.org', '01/05/2017'], ['Bert Berg', 'bert.q@example.org', '02/05/2017']]);

    it('is a question in the preview, with both readings', async () => {
      const slug = await t.newCampaign(admin);
      const preview = await send(slug, 'NL', text, { dryRun: true }).expect(200);
      expect(preview.body).toMatchObject({
        dateFormat: null,
        dateQuestion: {
          column: 'Datum',
          value: '01/05/2017',
          readings: [{ format: 'DD/MM/YYYY', example: '2017-05-01' }, { format: 'MM/DD/YYYY', example: '2017-01-05' }],
        },
      });
    });

    it('refuses the upload until a format is sent, and the preset keeps the format that was detected', async () => {
      const slug = await t.newCampaign(admin);
      const refused = await send(slug, 'NL', text).expect(422);
      expect(refused.body).toMatchObject({ error: 'reading_question', message: expect.stringContaining('dateFormat=DD/MM/YYYY') });
      const [{ n }] = await t.world.sql('SELECT count(*)::int AS n FROM batches b JOIN campaigns c ON c.id = b.campaign_id WHERE c.slug = $1', [slug]);
      expect(n).toBe(0);

      const answered = await counted(slug, 'NL', text, { dateFormat: 'DD/MM/YYYY' });
      expect(counters(answered)).toMatchObject({ status: 'done', accepted: 2, counted: 2 });

      const settled = stringify([['Naam', 'E-mail', 'Datum'], ['Carla Cruz', 'carla.q@example.org', '13/05/2017 10:00']]);
      await counted(slug, 'DE', settled, { savePreset: 'true' });
      const preset = await t.http.get(`/api/campaigns/${slug}/sections/DE/preset`).set('Authorization', `Bearer ${admin}`).expect(200);
      expect(preset.body).toEqual({ section: 'DE', mapping: null, dateFormat: 'DD/MM/YYYY HH:mm' });
    });
  });

  describe('two columns that could be the country', () => {
    const text = stringify([
      ['Naam', 'E-mail', 'Mailing Country Name', 'Herkomst'],
      ['Anna Ahl', 'anna.c@example.org', 'Netherlands', 'DE'],
      ['Bert Berg', 'bert.c@example.org', 'Netherlands', 'FR'],
    ]);

    it('are a question in the preview, and the upload is refused until a mapping names one', async () => {
      const slug = await t.newCampaign(admin);
      const preview = await send(slug, 'NL', text, { dryRun: true }).expect(200);
      expect(preview.body).toMatchObject({
        countries: null,
        countryQuestion: { candidates: [{ column: 'Mailing Country Name', values: ['Netherlands'] }, { column: 'Herkomst', values: ['DE', 'FR'] }] },
      });
      const refused = await send(slug, 'NL', text).expect(422);
      expect(refused.body).toMatchObject({ error: 'reading_question', message: expect.stringContaining('"Mailing Country Name" (Netherlands) and "Herkomst" (DE, FR)') });

      const batch = await counted(slug, 'NL', text, { mapping: JSON.stringify({ country: 'Herkomst' }) });
      expect(counters(batch)).toMatchObject({ status: 'done', accepted: 2, counted: 2 });
      const stored = await t.world.sql('SELECT country FROM signatures WHERE batch_id = $1 ORDER BY row_number', [batch.id]);
      expect(stored.map((r: any) => r.country)).toEqual(['DE', 'FR']);
    });
  });

  it('counts the same people once when two sections export them from different platforms', async () => {
    const slug = await t.newCampaign(admin);
    const people = [
      { first: 'Noor', last: 'Haddad', email: 'noor.haddad@example.org', country: 'NL', at: [13, 10] },
      { first: 'Jonas', last: 'Weber', email: 'jonas.weber@example.org', country: 'DE', at: [14, 9] },
      { first: 'Lucía', last: 'Gómez', email: 'lucia.gomez@example.org', country: 'ES', at: [15, 16] },
    ];
    // Engaging Networks for NL: "Supporter Email", month-first dates; Google Forms for DE: its own headers,
    // a 12-hour timestamp with an offset, country names in German, e-mail addresses typed differently.
    const en = stringify([
      ['Supporter ID', 'Supporter Email', 'First Name', 'Last Name', 'Country', 'Campaign Date'],
      ...people.map((p, i) => [String(i + 1), p.email, p.first, p.last, p.country, `05/${p.at[0]}/2017`]),
    ]);
    const germanNames: Record<string, string> = { NL: 'Niederlande', DE: 'Deutschland', ES: 'Spanien' };
    const forms = stringify([
      ['Timestamp', 'What is your email address?', 'Vor- und Nachname', 'In welchem Land wohnen Sie?'],
      ...people.map((p) => [`2017/05/${p.at[0] + 1} ${p.at[1] > 12 ? p.at[1] - 12 : p.at[1]}:00:00 ${p.at[1] >= 12 ? 'PM' : 'AM'} GMT+2`, `  ${p.email.toUpperCase()} `, `${p.first} ${p.last}`, germanNames[p.country]]),
    ]);

    const first = await counted(slug, 'NL', en);
    expect(counters(first)).toEqual({ status: 'done', rows: 3, accepted: 3, rejected: 0, duplicatesExisting: 0, counted: 3 });
    const preview = await send(slug, 'DE', forms, { dryRun: true }).expect(200);
    expect(preview.body).toMatchObject({ platform: 'Google Forms', dateFormat: 'YYYY/MM/DD h:mm:ss A [GMT]Z', countries: { column: 'In welchem Land wohnen Sie?', counts: { NL: 1, DE: 1, ES: 1 } } });
    const second = await counted(slug, 'DE', forms);
    expect(counters(second)).toEqual({ status: 'done', rows: 3, accepted: 3, rejected: 0, duplicatesExisting: 3, counted: 0 });

    // Three people, each counted once, for their earlier signature: the Engaging Networks export.
    const signers = await t.world.sql('SELECT s.batch_id FROM signers s JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = $1', [slug]);
    expect(signers.map((s: any) => s.batch_id)).toEqual([first.id, first.id, first.id]);
  });
});

describe('a detected reading in a file parsed in chunks', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start({ config: { parseChunkBytes: 1024 } });
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  it('reads every chunk with the date format and country column detected from the first rows', async () => {
    const slug = await t.newCampaign(admin);
    // Day-first is settled only by a row deep in the file, many chunks after the first.
    const rows = Array.from({ length: 300 }, (_, i) => [`Person ${i}`, `p${i}@example.org`, i % 2 ? 'DE' : 'Nederland', i === 250 ? '13/05/2017' : `0${1 + (i % 9)}/05/2017`]);
    const text = stringify([['Naam', 'E-mail', 'Herkomst', 'Datum'], ...rows]);
    const res = await t.http.post(`/api/campaigns/${slug}/sections/FR/batches`).set('Authorization', `Bearer ${admin}`).attach('file', Buffer.from(text), 'sheet.csv').expect(202);
    const batch = await t.waitForBatch(admin, res.body.id);
    expect(batch).toMatchObject({ status: 'done', rows: 300, accepted: 300, counted: 300 });

    const perCountry = await t.world.sql('SELECT country, count(*)::int AS n FROM signatures WHERE batch_id = $1 GROUP BY country ORDER BY country', [batch.id]);
    expect(perCountry).toEqual([{ country: 'DE', n: 150 }, { country: 'NL', n: 150 }]);
    const dates = await t.world.sql(`SELECT row_number, to_char(signed_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD') AS day FROM signatures WHERE batch_id = $1 AND row_number IN (2, 251, 300) ORDER BY row_number`, [batch.id]);
    expect(dates).toEqual([{ row_number: 2, day: '2017-05-02' }, { row_number: 251, day: '2017-05-13' }, { row_number: 300, day: '2017-05-03' }]);
  });
});
