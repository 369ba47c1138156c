import { csv, people } from '../support/builders';
import { auth, TestApp } from '../support/test-app';

describe('ingest pipeline: upload → done → totals', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'test-campaign';

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug }));
  });
  afterAll(() => t.close());

  const totals = async () => (await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(admin)).expect(200)).body;

  it('counts an uploaded file, and the same file again creates no second batch and counts nothing', async () => {
    const file = csv([
      ...people(5, 'anna'),
      { first: 'Anna', last: 'Again', email: ' ANNA0@Example.org ', signed: '2017-05-02T10:00:00Z' }, // duplicate of anna0 in the same file
      { first: '', last: '', email: 'noname@example.org' }, // rejected: no name
    ]);
    const first = await t.upload(admin, slug, 'NL', file).expect(202);
    expect(first.body).toMatchObject({ status: 'queued', section: 'NL', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const done = await t.waitForBatch(admin, first.body.id);
    expect(done).toMatchObject({ status: 'done', progress: 1, rows: 7, accepted: 6, rejected: 1, duplicatesInBatch: 1, duplicatesExisting: 0, counted: 5 });
    expect(done.rejectionsByReason).toEqual({ missing_name: 1 });

    const again = await t.upload(admin, slug, 'NL', file, { name: 'renamed.csv' }).expect(200);
    expect(again.body.id).toBe(first.body.id);
    await t.waitForIdle();
    expect((await totals()).online).toBe(5);
  });

  it('lists rejected rows with their reason and without the e-mail address', async () => {
    const file = csv([...people(2, 'rej'), { first: 'Bad', last: 'Mail', email: 'not-an-email', city: 'Utrecht' }, { first: 'No', last: 'Where', country: 'Atlantis', email: 'x@example.org' }]);
    const { body } = await t.upload(admin, slug, 'NL', file).expect(202);
    await t.waitForBatch(admin, body.id);
    const report = await t.http.get(`/api/batches/${body.id}/rejections.csv`).set(auth(admin)).expect(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.text.trim().split('\n');
    expect(lines[0]).toBe('row,reason,explanation,First name,Last name,Country,City,Signed at');
    expect(lines[1]).toMatch(/^3,invalid_email,/);
    expect(lines[2]).toMatch(/^4,unknown_country,.*Atlantis/);
    expect(report.text).not.toContain('not-an-email');
    expect(report.text).not.toContain('x@example.org');
  });

  it('fails a file whose columns cannot be mapped, names the columns and shows the mapping to send, and counts nothing', async () => {
    const before = await totals();
    const { body } = await t.upload(admin, slug, 'DE', 'Spalte A,Spalte B\nfoo,bar\n').expect(202);
    const failed = await t.waitForBatch(admin, body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('"Spalte A", "Spalte B"');
    expect(failed.error).toContain('mapping=');
    await t.waitForIdle();
    expect((await totals()).total).toBe(before.total);

    // The same file with a mapping is a new attempt, not "already uploaded".
    const mapped = await t
      .upload(admin, slug, 'DE', 'Spalte A,Spalte B\nfoo,bar\n', { fields: { mapping: JSON.stringify({ full_name: 'Spalte A', city: 'Spalte B' }) } })
      .expect(202);
    expect((await t.waitForBatch(admin, mapped.body.id)).counted).toBe(1);
  });

  it('every totals breakdown sums to the online total, and the public counter matches', async () => {
    await t.waitForIdle();
    const body = await totals();
    const sum = (items: { online: number }[]) => items.reduce((n, i) => n + i.online, 0);
    expect(body.online).toBeGreaterThan(0);
    expect(sum(body.bySection)).toBe(body.online);
    expect(sum(body.byCountry)).toBe(body.online);
    expect(sum(body.byDeliveryPoint)).toBe(body.online);
    expect(sum(body.byDay)).toBe(body.online);
    expect(body.total).toBe(body.online + body.offline);

    const counter = await t.http.get(`/public/campaigns/${slug}/counter`).expect(200);
    expect(counter.headers['access-control-allow-origin']).toBe('*');
    expect(counter.body).toEqual({ total: body.total, goal: 1000, updatedAt: body.updatedAt });
  });
});
