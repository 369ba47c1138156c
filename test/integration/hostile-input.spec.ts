import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { campaignDefinition } from '../support/builders';
import { sleep, TestApp } from '../support/test-app';
import { emptyRows, lyingAboutSizes, zippedWorkbook } from '../support/workbooks';

/**
 * Input a hostile coordinator or a broken connection sends: each is answered 4xx with a message, never a 500,
 * never takes the process down, and leaves no file behind.
 */
describe('hostile input', () => {
  let app: TestApp;
  let admin: string;
  let slug: string;

  beforeAll(async () => {
    app = await TestApp.start();
    admin = await app.token('admin');
    slug = await app.newCampaign(admin);
  });
  afterAll(() => app?.close());

  const leftInTmp = async () => (await readdir(join(app.world.config.storageDir, 'tmp')).catch(() => [])).length;

  /** Sends the start of a multipart upload and closes the connection half-way, as a dropped train Wi-Fi would. */
  async function cutOffUpload(path: string, close: 'end' | 'destroy'): Promise<string> {
    const port = new URL(app.baseUrl).port;
    const boundary = 'cutoff';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\nContent-Type: text/csv\r\n\r\nFull name,Email\r\n`;
    const body = head + 'Jane Doe,jane@example.org\r\n'.repeat(2000);
    return new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length + 1000}\r\n\r\n${body}`,
        );
        if (close === 'end') socket.end();
        else setTimeout(() => socket.destroy(), 50);
      });
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });
  }

  it.each([
    ['an upload', 'end'],
    ['an upload', 'destroy'],
    ['a dry run', 'end'],
    ['a dry run', 'destroy'],
  ] as const)('survives %s cut off by the client (%s) and keeps no partial file', async (kind, close) => {
    const path = `/api/campaigns/${slug}/sections/NL/batches${kind === 'a dry run' ? '?dryRun=true' : ''}`;
    const answer = await cutOffUpload(path, close);
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await app.http.get('/health/live').expect(200); // the process is still there
    for (let i = 0; i < 50 && (await leftInTmp()) > 0; i++) await sleep(100);
    expect(await leftInTmp()).toBe(0);
  });

  it('refuses a NUL character anywhere a person can type, with a 400 that says what to remove', async () => {
    const bearer = { Authorization: `Bearer ${admin}` };
    const answers = await Promise.all([
      app.http.get(`/api/campaigns/bad%00slug`).set(bearer),
      app.http.get(`/api/campaigns/${slug}/sections/N%00L/preset`).set(bearer),
      app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(bearer).send({ kind: 'tally', count: 3, note: 'stand\u0000one' }),
      app.http.put(`/api/campaigns/${slug}/sections/NL/preset`).set(bearer).send({ mapping: { full_name: 'Na\u0000me' } }),
      app.http.put(`/api/campaigns/${slug}/sections/NL/preset`).set(bearer).send({ dateFormat: 'DD/MM\u0000' }),
      app.http.put(`/api/campaigns/${slug}`).set(bearer).send({ ...(await app.http.get(`/api/campaigns/${slug}`).set(bearer)).body, title: 'Stop\u0000' }),
      app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(bearer).field('note', 'a\u0000b').attach('file', Buffer.from('Full name,Email\nJane,j@example.org\n'), 'x.csv'),
    ]);
    expect(answers.map((a) => [a.status, a.body.error])).toEqual(Array(7).fill([400, 'control_character']));
    expect(await leftInTmp()).toBe(0);
    expect((await app.totals(admin, slug)).offline).toBe(0);
  });

  it('answers a JSON body over the limit with 413, and JSON that does not parse with 400', async () => {
    const bearer = { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' };
    const huge = await app.http.put(`/api/campaigns/${slug}`).set(bearer).send(`{"title":"${'x'.repeat(6 * 1024 * 1024)}"}`);
    expect([huge.status, huge.body.error]).toEqual([413, 'body_too_large']);
    const broken = await app.http.put(`/api/campaigns/${slug}`).set(bearer).send('{"title":');
    expect(broken.status).toBe(400);
  });

  it('writes formulas and bidi controls in rejections.csv as inert text', async () => {
    const file = 'Full name,Email,"=HYPERLINK(""http://evil.example"")"\n,nobody@example.org,=1+1\n\u202eevil,not-an-email,@SUM(A1)\n';
    const { body } = await app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set('Authorization', `Bearer ${admin}`).attach('file', Buffer.from(file), 'f.csv').expect(202);
    expect((await app.waitForBatch(admin, body.id)).status).toBe('done');
    const report = (await app.http.get(`/api/batches/${body.id}/rejections.csv`).set('Authorization', `Bearer ${admin}`).expect(200)).text;
    const cells = report.split(/[\n,]/).map((c) => c.replace(/^"|"$/g, ''));
    expect(cells.filter((c) => /^[=+@-]/.test(c))).toEqual([]);
    expect(report).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(report).toContain("'=HYPERLINK");
    expect(report).toContain("'=1+1");
  });

  it('refuses a campaign document with 20,000 sections, or 100,000, at once', async () => {
    const definition = (n: number) =>
      campaignDefinition({ slug: 'too-big', sections: Array.from({ length: n }, (_, i) => ({ code: `S${i}`, name: `Section ${i}`, country: 'NL', petition: 'EN' })) });
    const started = Date.now();
    const many = await app.http.put('/api/campaigns/too-big').set('Authorization', `Bearer ${admin}`).send(definition(20_000));
    expect([many.status, many.body.message]).toEqual([400, expect.stringContaining('at most 1000 sections')]);
    const huge = await app.http.put('/api/campaigns/too-big').set('Authorization', `Bearer ${admin}`).send(definition(100_000));
    expect(huge.status).toBe(413); // over the body limit: refused before it is even parsed
    expect(Date.now() - started).toBeLessThan(30_000); // a document this large used to run for minutes, then fail
  });

  /** exceljs's temporary copies of sheets, which it left behind in the system temp folder (the API runs in this process). */
  const exceljsTempFiles = async () => (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`));

  it.each([
    ['declares its sizes', (bomb: Buffer) => bomb],
    // Its central directory says that every part unpacks to its packed size: caught while it unpacks.
    ['lies about its sizes', lyingAboutSizes],
  ])('refuses an XLSX zip bomb that %s quickly, in a dry run and an upload, and keeps none of it', async (_, zip) => {
    const bomb = zip(await zippedWorkbook(emptyRows(100)));
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const started = Date.now();
    const bearer = { Authorization: `Bearer ${admin}` };
    const preview = await app.http.post(`/api/campaigns/${slug}/sections/NL/batches?dryRun=true`).set(bearer).attach('file', bomb, 'bomb.xlsx');
    expect([preview.status, preview.body.message]).toEqual([422, expect.stringContaining('unpacks to far more data')]);
    const upload = await app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set(bearer).attach('file', bomb, 'bomb.xlsx').expect(202);
    const batch = await app.waitForBatch(admin, upload.body.id);
    expect([batch.status, batch.error]).toEqual(['failed', expect.stringContaining('unpacks to far more data')]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await leftInTmp()).toBe(0);
    expect(await exceljsTempFiles()).toEqual([]);
  });
});
