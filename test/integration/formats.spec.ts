import ExcelJS from 'exceljs';
import { people } from '../support/builders';
import { auth, TestApp } from '../support/test-app';

/**
 * Real section exports (docs/design.md "Ingest"): every format is counted exactly, with fixtures the tests write
 * themselves. Each test gets its own campaign, so duplicatesExisting is exact.
 */
describe('formats sections actually export', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin());
  });
  afterAll(() => t.close());

  const counters = (b: any) => ({ status: b.status, rows: b.rows, accepted: b.accepted, rejected: b.rejected, duplicatesInBatch: b.duplicatesInBatch, duplicatesExisting: b.duplicatesExisting, counted: b.counted });

  it('Dutch Excel CSV: semicolons, BOM, CRLF, Dutch headers', async () => {
    const slug = await t.newCampaign(admin);
    const text = [
      'Voornaam;Achternaam;E-mailadres;Land;Postcode;Woonplaats;Datum',
      'Anneke;de Vries;anneke@example.nl;Nederland;1234 AB;Utrecht;2017-05-01',
      'Piet;Jansen;piet@example.nl;;;Amsterdam;2017-05-02',
      'Piet;Jansen;PIET@example.nl;NL;;Amsterdam;2017-05-03', // same person again
      ';;nobody@example.nl;NL;;;2017-05-03', // no name
    ].join('\r\n');
    const done = await t.uploadAndWait(admin, slug, 'NL', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text + '\r\n')]));
    expect(counters(done)).toEqual({ status: 'done', rows: 4, accepted: 3, rejected: 1, duplicatesInBatch: 1, duplicatesExisting: 0, counted: 2 });
  });

  it('francophone Canadian export in Windows-1252 with Prénom;Nom;Courriel', async () => {
    const slug = await t.newCampaign(admin);
    const text = 'Prénom;Nom;Courriel;Pays\nAndré;Bélanger;andre@example.ca;Canada\nHélène;Côté;helene@example.ca;CA\n';
    const done = await t.uploadAndWait(admin, slug, 'FR', Buffer.from(text, 'latin1'), { name: 'signataires.csv' });
    expect(counters(done)).toEqual({ status: 'done', rows: 2, accepted: 2, rejected: 0, duplicatesInBatch: 0, duplicatesExisting: 0, counted: 2 });
    const [row] = await t.world.sql(`SELECT display_name, country FROM signatures WHERE batch_id = $1 ORDER BY row_number LIMIT 1`, [done.id]);
    expect(row).toEqual({ display_name: 'André Bélanger', country: 'CA' });
  });

  it('Taiwanese export with a single 姓名 column, and a duplicate of a person from another section', async () => {
    const slug = await t.newCampaign(admin);
    await t.uploadAndWait(admin, slug, 'NL', [{ first: 'Mei', last: 'Lin', email: 'mei.lin@gmail.com', signed: '2017-05-01T00:00:00Z' }], { name: 'nl.csv' });
    const text = '姓名,電子郵件,國家\n王小明,xiaoming@example.tw,台灣\n林美,meilin@googlemail.com,Taiwan\n';
    const done = await t.uploadAndWait(admin, slug, 'DE', text, { name: 'tw.csv' });
    expect(counters(done)).toEqual({ status: 'done', rows: 2, accepted: 2, rejected: 0, duplicatesInBatch: 0, duplicatesExisting: 1, counted: 1 });
  });

  it('UTF-16 with BOM, tab-delimited, and a pipe-delimited file with a quoted multi-line field', async () => {
    const slug = await t.newCampaign(admin);
    const tsv = 'Full name\tEmail\tCity\nЮлия Иванова\tyulia@example.ru\tМосква\nΓιώργος Παπαδόπουλος\tgiorgos@example.gr\tΑθήνα\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    expect(counters(await t.uploadAndWait(admin, slug, 'DE', utf16, { name: 'export.txt' }))).toMatchObject({ status: 'done', rows: 2, accepted: 2, counted: 2 });

    const piped = 'Full name|Email|City\n"Ana ""Nina"" Souza"|ana@example.br|"São\nPaulo"\nفاطمة الزهراء|fatima@example.lb|بيروت\n';
    const done = await t.uploadAndWait(admin, slug, 'DE', piped);
    expect(counters(done)).toEqual({ status: 'done', rows: 2, accepted: 2, rejected: 0, duplicatesInBatch: 0, duplicatesExisting: 0, counted: 2 });
    const [row] = await t.world.sql(`SELECT display_name, city FROM signatures WHERE batch_id = $1 AND row_number = 1`, [done.id]);
    expect(row).toEqual({ display_name: 'Ana "Nina" Souza', city: 'São Paulo' });
  });

  it('XLSX (first sheet), with dates, numeric postcodes and hyperlinked e-mails', async () => {
    const slug = await t.newCampaign(admin);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Signatures');
    sheet.addRow(['Vorname', 'Nachname', 'E-Mail', 'PLZ', 'Ort', 'Datum']);
    sheet.addRow(['Jürgen', 'Müller', { text: 'juergen@example.de', hyperlink: 'mailto:juergen@example.de' }, 10115, 'Berlin', new Date(Date.UTC(2017, 4, 20, 9, 30))]);
    sheet.addRow(['Ömer', 'Yılmaz', '', 10117, 'Berlin', new Date(Date.UTC(2017, 4, 21))]);
    sheet.addRow(['Ömer', 'Yılmaz', '', 10117, 'berlin', new Date(Date.UTC(2017, 4, 22))]); // same person: no e-mail, same name+postcode
    workbook.addWorksheet('Notes').addRow(['ignore me', 'x@example.org']);
    const done = await t.uploadAndWait(admin, slug, 'DE', Buffer.from(await workbook.xlsx.writeBuffer()), { name: 'export.xlsx' });
    expect(counters(done)).toEqual({ status: 'done', rows: 3, accepted: 3, rejected: 0, duplicatesInBatch: 1, duplicatesExisting: 0, counted: 2 });
    const [row] = await t.world.sql(`SELECT display_name, signed_at FROM signatures WHERE batch_id = $1 AND row_number = 1`, [done.id]);
    expect(row.display_name).toBe('Jürgen Müller');
    expect(row.signed_at.toISOString()).toBe('2017-05-20T07:30:00.000Z'); // 09:30 in the campaign's zone (Amsterdam, CEST)
  });

  it('an explicit mapping and date format, saved as the section preset and used by the next upload', async () => {
    const slug = await t.newCampaign(admin);
    const odd = (rows: string[]) => Buffer.from(['Wie,Waar,Contact,Wanneer', ...rows].join('\n'));
    const fields = { mapping: JSON.stringify({ full_name: 'Wie', city: 'Waar', email: 'Contact', signed_at: 'Wanneer' }), dateFormat: 'DD/MM/YYYY', savePreset: 'true' };
    const first = await t.uploadAndWait(admin, slug, 'NL', odd(['Sanne Bakker,Leiden,sanne@example.nl,31/05/2017']), { name: 'a.csv', fields });
    expect(counters(first)).toMatchObject({ status: 'done', accepted: 1, counted: 1 });

    const preset = await t.http.get(`/api/campaigns/${slug}/sections/NL/preset`).set(auth(admin)).expect(200);
    expect(preset.body).toEqual({ section: 'NL', mapping: JSON.parse(fields.mapping), dateFormat: 'DD/MM/YYYY' });

    const second = await t.uploadAndWait(admin, slug, 'NL', odd(['Sanne Bakker,Leiden,sanne@example.nl,30/05/2017', 'Tim Visser,Delft,tim@example.nl,01/06/2017']), { name: 'b.csv' });
    expect(counters(second)).toEqual({ status: 'done', rows: 2, accepted: 2, rejected: 0, duplicatesInBatch: 0, duplicatesExisting: 1, counted: 1 });
  });

  it('explains every duplicate: which batch and row it matched', async () => {
    const slug = await t.newCampaign(admin);
    const first = await t.uploadAndWait(admin, slug, 'NL', people(3, 'dup'), { name: 'nl.csv' });
    const second = await t.uploadAndWait(admin, slug, 'DE', [...people(1, 'dup', '2017-05-20T00:00:00Z'), ...people(2, 'other'), people(2, 'other')[1]], { name: 'de.csv' });
    const report = await t.http.get(`/api/batches/${second.id}/duplicates.csv`).set(auth(admin)).expect(200);
    expect(report.text.trim().split('\n')).toEqual([
      'row,duplicate of,matched batch,matched section,matched row',
      `1,a signature in another batch,${first.id},NL,1`,
      `4,an earlier row of this batch,${second.id},DE,3`,
    ]);
  });
});

describe('files that cannot be counted', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'bad-files';

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug, config: { maxUploadBytes: 4096 } }));
  });
  afterAll(() => t.close());
  const failWith = async (file: Buffer, name: string, message: RegExp) => {
    const res = await t.upload(admin, slug, 'NL', file, { name }).expect(202);
    const batch = await t.waitForBatch(admin, res.body.id);
    expect(batch).toMatchObject({ status: 'failed', counted: 0 });
    expect(batch.error).toMatch(message);
  };

  it.each([
    ['a PNG uploaded by mistake', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 7)]), 'scan.png', /PNG.*CSV or XLSX|CSV or XLSX.*PNG/s],
    ['an empty file', Buffer.alloc(0), 'empty.csv', /empty/i],
    ['a header row without data', Buffer.from('First name,Last name,Email\n'), 'header.csv', /no data rows/],
    ['an unclosed quote', Buffer.from('Full name,Email\n"Anna,anna@example.org\n'), 'broken.csv', /not readable as CSV/],
    ['headers that mean nothing', Buffer.from('foo;bar\n1;2\n'), 'x.csv', /"foo", "bar".*mapping=/s],
  ])('%s fails the batch with a message that says what to do', async (_, file, name, message) => {
    await failWith(file, name, message);
  });

  it('refuses a file over the size limit with 413', async () => {
    const res = await t.upload(admin, slug, 'NL', 'Full name,Email\n' + 'Anna,anna@example.org\n'.repeat(400), { name: 'big.csv' }).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'file_too_large', message: expect.stringContaining('Split the export') });
  });

  it('refuses a malformed mapping with 400 naming the valid fields', async () => {
    const res = await t
      .upload(admin, slug, 'NL', 'E-mail\nx@example.org\n', { name: 'm.csv', fields: { mapping: JSON.stringify({ mail: 'E-mail' }) } })
      .expect(400);
    expect(res.body.message).toContain('unknown field(s) mail');
  });

  it('counts nothing from any of the failed batches', async () => {
    await t.waitForIdle();
    const totals = await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(admin)).expect(200);
    expect(totals.body.online).toBe(0);
  });
});

describe('preview (dry run)', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'preview';

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug }));
  });
  afterAll(() => t.close());

  it('reports encoding, delimiter, mapping, the first rows as stored and rejections by reason, and counts nothing', async () => {
    const text = 'Prénom;Nom;Courriel;Pays;Date\nAndré;Bélanger;andre@example.ca;Canada;2017-05-01\n;;x@example.ca;CA;2017-05-01\nLéa;Roy;lea@;CA;2017-05-02\n';
    const res = await t.upload(admin, slug, 'FR', Buffer.from(text, 'latin1'), { dryRun: true }).expect(200);
    expect(res.body).toMatchObject({
      format: 'csv',
      encoding: 'windows-1252',
      delimiter: ';',
      headers: ['Prénom', 'Nom', 'Courriel', 'Pays', 'Date'],
      mapping: { first_name: 'Prénom', last_name: 'Nom', email: 'Courriel', country: 'Pays', signed_at: 'Date' },
      rows: 3,
      accepted: 1,
      rejected: 2,
      rejectionsByReason: { missing_name: 1, invalid_email: 1 },
    });
    expect(res.body.sample).toEqual([
      expect.objectContaining({ row: 1, displayName: 'André Bélanger', country: 'CA', consent: true, deliveryPoint: 'HAGUE' }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('andre@example.ca');

    const [{ n }] = await t.world.sql('SELECT count(*)::int AS n FROM batches');
    expect(n).toBe(0);
  });

  it('answers 422 with the message when the file cannot be read', async () => {
    const res = await t.upload(admin, slug, 'FR', 'a,b\n1,2\n', { name: 'x.csv', dryRun: true }).expect(422);
    expect(res.body).toMatchObject({ error: 'unreadable_file', message: expect.stringContaining('Columns found: "a", "b"') });
  });
});
