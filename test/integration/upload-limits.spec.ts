import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csv, people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';
import { peopleRows, zippedWorkbook } from '../support/workbooks';

/** The size limits of one upload (MAX_ROWS_PER_BATCH, MAX_COLUMNS, MAX_FIELD_CHARS): refused with what to do, nothing counted. */
describe('upload limits', () => {
  let app: TestApp;
  let admin: string;
  let slug: string;

  beforeAll(async () => {
    app = await TestApp.start({ config: { maxRowsPerBatch: 5, maxColumns: 6, maxFieldChars: 40 } });
    admin = await app.token('admin');
    slug = await app.newCampaign(admin);
  });
  afterAll(() => app?.close());

  const dryRun = (file: string) => app.http.post(`/api/campaigns/${slug}/sections/NL/batches?dryRun=true`).set(auth(admin)).attach('file', Buffer.from(file), 'f.csv');

  it.each([
    ['more rows than one upload may hold', csv(people(6, 'many')), 'more than 5 rows'],
    ['more columns than are read', 'Full name,Email,a,b,c,d,e\nJane,j@example.org,1,2,3,4,5\n', '7 columns; at most 6'],
    ['a value longer than any signature needs', `Full name,Email\n${'x'.repeat(41)},j@example.org\n`, 'more than 40 characters'],
  ])('refuses %s in a dry run and an upload', async (_, file, message) => {
    const preview = await dryRun(file);
    expect([preview.status, preview.body.message]).toEqual([422, expect.stringContaining(message)]);
    const { body } = await app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(auth(admin)).attach('file', Buffer.from(file), 'f.csv').expect(202);
    const batch = await app.waitForBatch(admin, body.id);
    expect([batch.status, batch.error]).toEqual(['failed', expect.stringContaining(message)]);
  });

  it('still counts a file within the limits', async () => {
    expect((await app.ingest(admin, slug, 'NL', people(5, 'within'))).counted).toBe(5);
    expect((await app.totals(admin, slug)).online).toBe(5);
  });

  it('refuses a note, a date format or a column name longer than their limits', async () => {
    const tally = await app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(auth(admin)).send({ kind: 'tally', count: 5, note: 'n'.repeat(501) });
    expect([tally.status, tally.body.error]).toEqual([400, 'note_too_long']);
    const preset = await app.http.put(`/api/campaigns/${slug}/sections/NL/preset`).set(auth(admin)).send({ dateFormat: 'D'.repeat(101) });
    expect([preset.status, preset.body.error]).toEqual([400, 'invalid_date_format']);
    const mapping = await app.http.put(`/api/campaigns/${slug}/sections/NL/preset`).set(auth(admin)).send({ mapping: { email: 'c'.repeat(301) } });
    expect([mapping.status, mapping.body.error]).toEqual([400, 'invalid_mapping']);
    expect((await app.totals(admin, slug)).offline).toBe(0);
  });
});

/**
 * PREVIEW_TIME_LIMIT_MS and PARSE_TIME_LIMIT_MS, set far below what these files take: reading stops, the request or
 * the batch says what to do, and no file is left behind (the API runs in this process, so exceljs's temporary
 * files would carry this process's id).
 */
describe('time limits', () => {
  const slug = 'slow-files';
  const bigWorkbook = () => zippedWorkbook(peopleRows(100_000));
  const leftBehind = async (app: TestApp) => [
    ...(await readdir(join(app.world.config.storageDir, 'tmp')).catch(() => [])),
    ...(await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`)),
  ];

  describe('of a check', () => {
    let app: TestApp;
    let admin: string;
    beforeAll(async () => ({ t: app, admin } = await TestApp.startAsAdmin({ campaign: slug, config: { previewTimeLimitMs: 100 } })));
    afterAll(() => app?.close());

    it.each([
      ['a dry run of a CSV', () => csv(people(100_000, 'slow')), 'export.csv', true],
      ['a dry run of an XLSX', bigWorkbook, 'export.xlsx', true],
      ['the first rows of an XLSX upload', bigWorkbook, 'export.xlsx', false],
    ])('stops %s past the limit with 422 and what to do, and keeps no file', async (_, content, name, dryRun) => {
      const answer = await app.upload(admin, slug, 'NL', await content(), { name, dryRun });
      expect([answer.status, answer.body.error, answer.body.message]).toEqual([
        422,
        'check_too_slow',
        'This file took longer than 0.1 s to check, so the check was stopped and the file was not kept. Split the export into smaller files, or try again in a few minutes.',
      ]);
      await app.http.get('/health/live').expect(200);
      expect(await leftBehind(app)).toEqual([]);
      expect(await app.world.sql('SELECT id FROM batches')).toEqual([]);
    });
  });

  describe('of a check whose client leaves', () => {
    let app: TestApp;
    let admin: string;
    beforeAll(async () => ({ t: app, admin } = await TestApp.startAsAdmin({ campaign: slug })));
    afterAll(() => app?.close());

    it('stops the check as soon as the client has gone, and keeps no file', async () => {
      const workbook = await zippedWorkbook(peopleRows(300_000)); // several seconds to check in full
      // The client gives up once the file is sent and its check has begun.
      const leaving = app.upload(admin, slug, 'NL', workbook, { name: 'export.xlsx', dryRun: true }).timeout(500);
      await expect(leaving).rejects.toThrow(/Timeout/);
      const givenUpAt = Date.now();
      while ((await leftBehind(app)).length > 0 && Date.now() - givenUpAt < 1500) await sleep(50);
      expect(await leftBehind(app)).toEqual([]);
      await app.http.get('/health/live').expect(200);
    });
  });

  describe('of a parse job', () => {
    let app: TestApp;
    let admin: string;
    beforeAll(async () => ({ t: app, admin } = await TestApp.startAsAdmin({ campaign: slug, config: { parseTimeLimitMs: 100 } })));
    afterAll(() => app?.close());

    it('fails the batch past the limit, counting nothing and keeping no temporary file', async () => {
      const batch = await app.uploadAndWait(admin, slug, 'NL', await bigWorkbook(), { name: 'export.xlsx' });
      expect([batch.status, batch.error]).toEqual([
        'failed',
        'Reading this file took longer than 0.1 s, so it was stopped and nothing of it was counted. Split the export into smaller files (a CSV is read faster than an XLSX) and upload each.',
      ]);
      expect((await app.totals(admin, slug)).online).toBe(0);
      expect(await leftBehind(app)).toEqual([]);
    });
  });
});
