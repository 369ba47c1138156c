import Redis from 'ioredis';
import { csv, people, SignerRow } from '../support/builders';
import { auth, TestApp } from '../support/test-app';

/**
 * A large export is split into chunks parsed by separate jobs (docs/design.md "Performance"). Splitting must not
 * change a single count, row number or rejection: these files are cut into many small chunks.
 */
describe('a file parsed in chunks', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'chunks';

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug, config: { parseChunkBytes: 1024 } }));
  });
  afterAll(() => t.close());

  it('counts, numbers and rejects every row exactly as the whole file reads, across chunk borders', async () => {
    const rows: SignerRow[] = people(400, 'chunk');
    rows[300] = { ...rows[300], city: 'Den\nHaag, "centrum"' }; // a quoted field with a line break and quotes
    rows[120] = { first: 'No', last: 'Mail', email: 'not-an-email' }; // rejected
    rows[250] = { ...rows[3], email: rows[3].email!.toUpperCase() }; // a duplicate of a row many chunks earlier
    rows[399] = { first: '', last: '', email: 'nameless@example.org' }; // rejected, in the last chunk
    const lines = csv(rows).split('\n');
    lines.splice(200, 0, ',,,', ''); // a row of empty cells (a blank row, numbered) and an empty line (not a row)
    const file = lines.join('\n');

    const preview = await t.upload(admin, slug, 'NL', file, { dryRun: true }).expect(200);
    const { body } = await t.upload(admin, slug, 'NL', file).expect(202);
    const batch = await t.waitForBatch(admin, body.id);
    const redis = new Redis(t.world.config.redisUrl);
    const chunkJobs = await redis.keys(`${t.world.config.redisPrefix}:bull:parse:parse-chunk-${body.id}-*`).finally(() => redis.quit());
    expect(chunkJobs.filter((key) => /-\d+$/.test(key)).length).toBeGreaterThan(10);

    expect(batch).toMatchObject({ status: 'done', rows: 400, accepted: 398, rejected: 2, duplicatesInBatch: 1, counted: 397 });
    expect(batch).toMatchObject({ rows: preview.body.rows, accepted: preview.body.accepted, rejectionsByReason: preview.body.rejectionsByReason });

    // Row numbers count data rows as the file has them: the blank row takes a number, the empty line does not.
    const report = await t.http.get(`/api/batches/${body.id}/rejections.csv`).set(auth(admin)).expect(200);
    expect(report.text.trim().split('\n').map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['row,reason', '121,invalid_email', '401,missing_name']);
    const numbers = (await t.world.sql('SELECT row_number FROM signatures WHERE batch_id = $1 ORDER BY row_number', [body.id])).map((r) => r.row_number);
    const expected = Array.from({ length: 401 }, (_, i) => i + 1).filter((n) => ![121, 200, 401].includes(n));
    expect(numbers).toEqual(expected);
    const [signer] = await t.world.sql(`SELECT city FROM signatures WHERE batch_id = $1 AND row_number = 302`, [body.id]);
    expect(signer.city).toBe('Den Haag, "centrum"');
  });

  it('reads a file with old Mac line ends (CR only) whole, and counts every row', async () => {
    const { body } = await t.upload(admin, slug, 'NL', csv(people(200, 'mac')).replace(/\n/g, '\r')).expect(202);
    const batch = await t.waitForBatch(admin, body.id);
    expect(batch).toMatchObject({ status: 'done', rows: 200, accepted: 200, counted: 200 });
  });

  it('names the line of the whole file when a chunk far into it is broken', async () => {
    const lines = csv(people(300, 'broken')).trimEnd().split('\n');
    lines.push('Anna,"Unclosed,anna@example.org,2017-05-01T10:00:00Z');
    const { body } = await t.upload(admin, slug, 'NL', lines.join('\n') + '\n').expect(202);
    const batch = await t.waitForBatch(admin, body.id);
    expect(batch.status).toBe('failed');
    expect(batch.error).toMatch(/not readable as CSV \(line 302: .*quote opened in row 302/);
    const [{ n }] = await t.world.sql('SELECT count(*)::int AS n FROM signatures WHERE batch_id = $1', [body.id]);
    expect(n).toBe(0); // chunks parsed before the broken one are deleted with the failed batch
  });
});
