import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { csv, people } from '../support/builders';
import { pdfText } from '../support/pdf';
import { sleep, TestApp } from '../support/test-app';

/** Signers in the campaign's withheld countries: counted, with their country, but neither name nor city printed. */
describe('withheld signers', () => {
  let app: TestApp;
  beforeAll(async () => (app = await TestApp.start()));
  afterAll(() => app?.close());

  it('prints neither the name nor the city of a signer in a withheld country, in the pack and its CSV', async () => {
    const admin = await app.token('admin');
    const bearer = { Authorization: `Bearer ${admin}` };
    // Russia, the target's own country, is withheld by default; Russians route to the section's embassy.
    const slug = await app.newCampaign(admin);
    await app.ingest(admin, slug, 'NL', [
      { name: 'Ivan Zakharov', city: 'Тихорецк', country: 'RU', email: 'ivan@example.org', signed: '2017-05-21T10:00:00Z', consent: 'yes' },
      { name: 'Anna Jansen', city: 'Zwolle', country: 'NL', email: 'anna@example.org', signed: '2017-05-21T11:00:00Z', consent: 'yes' },
    ]);
    await app.http.post(`/api/campaigns/${slug}/packs`).set(bearer).send({}).expect(202);
    for (let i = 0; i < 600; i++) {
      if ((await app.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/pack`).set(bearer)).body.status === 'done') break;
      await sleep(100);
    }
    const pdf = (await app.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/pack.pdf`).set(bearer).buffer(true).expect(200)).body as Buffer;
    const text = await pdfText(pdf);
    expect(text).toContain('Zwolle');
    expect(text).not.toMatch(/Zakharov|Тихорецк/);
    const csv = (await app.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/signatures.csv`).set(bearer).expect(200)).text;
    const rows: string[][] = parseCsv(csv, { bom: true });
    expect(rows).toHaveLength(3); // both signers still count
    const russian = rows.find((r) => r[3] === 'Rusland' || r[3] === 'RU' || r[3] === 'Russia')!;
    expect(russian).toBeDefined();
    expect(russian[2]).toBe(''); // no city
    expect(csv).not.toMatch(/Zakharov|Тихорецк/);
  });

  it('keeps no uploaded e-mail address anywhere at rest once the batches have ended', async () => {
    const started = Date.now();
    const admin = await app.token('admin');
    const bearer = { Authorization: `Bearer ${admin}` };
    const slug = await app.newCampaign(admin);
    const counted = people(20, 'kept-secret');
    const retracted = people(5, 'retracted-secret');
    const upload = (rows: Buffer, name: string) =>
      app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(bearer).attach('file', rows, name);

    await app.ingest(admin, slug, 'NL', counted);
    const second = await app.ingest(admin, slug, 'DE', retracted);
    await app.http.post(`/api/batches/${second.id}/retract`).set(bearer).expect(200);
    // A workbook with an e-mail but no name column fails; a dry run reads a file and stores nothing.
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Sheet1').addRows([['Email'], ['failed-secret@example.org']]);
    const failed = await upload(Buffer.from(await book.xlsx.writeBuffer()), 'broken.xlsx').expect(202);
    await app.waitForBatch(admin, failed.body.id);
    await app.http.post(`/api/campaigns/${slug}/sections/NL/batches?dryRun=true`).set(bearer).attach('file', Buffer.from(csv(people(3, 'preview-secret'))), 'p.csv').expect(200);
    await app.waitForIdle();
    await sleep(3000); // the file sweep runs a moment after a batch ends

    const addresses = [...counted, ...retracted].map((p) => p.email!).concat('failed-secret@example.org', 'preview-secret0@example.org');
    const found = (where: string, text: string) => addresses.filter((a) => text.includes(a)).map((a) => `${a} in ${where}`);

    const dump = await promisify(execFile)('pg_dump', ['--data-only', app.world.config.databaseUrl], { maxBuffer: 256 * 1024 * 1024 });
    const redis = new Redis(app.world.config.redisUrl);
    const keys = await redis.keys(`${app.world.config.redisPrefix}:*`);
    const values = await Promise.all(keys.map(async (k) => `${k} ${JSON.stringify(await redis.dump(k))}`));
    await redis.quit();
    const files = async (dir: string): Promise<string[]> =>
      (await readdir(dir, { withFileTypes: true }).catch(() => [])).flatMap((e) => (e.isDirectory() ? [] : [join(dir, e.name)])).concat(
        ...(await Promise.all((await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => files(join(dir, e.name))))),
      );
    const stored = await Promise.all((await files(app.world.config.storageDir)).map(async (f) => `${f}\n${await readFile(f, 'latin1')}`));
    // The system temp folder: what appeared there during this test (other tests' stores aside).
    const recent = async (n: string) => !n.startsWith('handin-test-') && (await stat(join(tmpdir(), n)).catch(() => null))?.mtimeMs! >= started;
    const names = (await readdir(tmpdir())).filter((n) => n);
    const temporary = await Promise.all((await Promise.all(names.map(async (n) => ((await recent(n)) ? n : null)))).filter(Boolean).map((n) => readFile(join(tmpdir(), n!), 'latin1').catch(() => '')));

    expect([
      ...found('the database', dump.stdout),
      ...found('Redis', values.join('\n')),
      ...found('the file store', stored.join('\n')),
      ...found('the temp folder', temporary.join('\n')),
    ]).toEqual([]);
  });
});
