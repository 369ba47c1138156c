import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignersRepository } from '../../src/modules/dedupe/signers.repository';
import { people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

/** `purge`: a finished campaign loses every piece of personal data and keeps every number. */
describe('purging a campaign', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => ({ t, admin } = await TestApp.startAsAdmin()));
  afterAll(() => t?.close());

  const dump = async () => (await promisify(execFile)('pg_dump', ['--data-only', t.world.config.databaseUrl], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  const filesUnder = async (dir: string): Promise<string[]> => {
    const entries = await readdir(join(t.world.config.storageDir, dir), { withFileTypes: true, recursive: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  };
  const recount = async (slug: string) => {
    const [{ id }] = await t.world.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);
    const signers = t.app.get(SignersRepository);
    return signers.inCampaignLock(id, (tx) => signers.reconcile(tx, id));
  };
  const packsDone = async (slug: string) => {
    for (let i = 0; i < 600; i++) {
      const packs = await t.world.sql(`SELECT status FROM packs p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = $1`, [slug]);
      if (packs.length > 0 && packs.every((p) => p.status === 'done')) return;
      await sleep(100);
    }
    throw new Error('packs not done');
  };

  it('deletes every name, city and file and keeps every total, live and frozen', async () => {
    const slug = await t.newCampaign(admin);
    const dutch = people(12, 'Purgename', '2017-05-01T10:00:00Z').map((p, i) => ({ ...p, city: `Purgetown${i}`, region: `Purgeregion${i}` }));
    const german = people(6, 'Purgename', '2017-05-02T10:00:00Z', { country: 'DE' }).map((p, i) => ({ ...p, city: `Purgestadt${i}` }));
    await t.ingest(admin, slug, 'NL', dutch);
    await t.ingest(admin, slug, 'DE', german); // the same e-mails as the first six Dutch rows: 6 duplicates
    await t.tally(admin, slug, 'FR', { count: 40, country: 'FR', note: 'market stall' }).expect(202);
    await t.http.post(`/api/campaigns/${slug}/freeze`).set(auth(admin)).expect(200);
    await t.http.post(`/api/campaigns/${slug}/packs`).set(auth(admin)).send({}).expect(202);
    await packsDone(slug);
    const before = await t.totals(admin, slug);
    expect(before.total).toBe(12 + 40);
    expect(before.frozen.total).toBe(12 + 40);
    expect(await dump()).toMatch(/Purgename3.*Purgetown3/);
    expect(await filesUnder('packs')).toContain('signatures.csv');

    const dry = await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(admin)).send({ dryRun: true }).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, purgedAt: null, signatures: 18, signers: 12, frozenSigners: 12, batchFiles: 3, packs: 5, total: 52 });
    expect(dry.body.message).toBe(
      `Purging campaign "Stop the persecution" would delete 18 signatures (names, cities and identifiers), 12 frozen copies, the files of 3 uploads, 5 hand-in packs; the total would stay 52. Nothing was changed yet.`,
    );
    const [{ n: rowsAfterDryRun }] = await t.world.sql('SELECT count(*)::int AS n FROM signatures');
    expect(rowsAfterDryRun).toBe(18);
    expect(await filesUnder('packs')).toContain('signatures.csv');

    const refused = await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(admin)).send({}).expect(400);
    expect(refused.body.error).toBe('confirm_purge');

    const purged = await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(admin)).send({ confirm: slug }).expect(200);
    expect(purged.body).toMatchObject({ dryRun: false, signatures: 18, signers: 12, frozenSigners: 12, total: 52 });
    expect(purged.body.message).toMatch(/^We deleted the personal data of campaign "Stop the persecution" on \d{4}-\d{2}-\d{2}: 18 signatures .* Every total stays as it was: 52 signatures\.$/);

    const after = await t.totals(admin, slug);
    expect(after).toEqual(before);
    expect(await recount(slug)).toEqual({ cells: expect.any(Number), mismatched: 0 });
    expect(await t.totals(admin, slug)).toEqual(before);

    const text = await dump();
    expect(text).not.toMatch(/Purgename|Purgetown|Purgestadt|Purgeregion/);
    expect(await filesUnder('batches')).toEqual([]);
    expect(await filesUnder('packs')).toEqual([]);
    // The signers stay (one per person counted), none with a key an e-mail could be matched to again.
    const [{ n: signers }] = await t.world.sql('SELECT count(*)::int AS n FROM signers');
    expect(signers).toBe(12);
  });

  it('refuses uploads, tallies, packs and erasures once purged, with a message that says why', async () => {
    const slug = await t.newCampaign(admin);
    const batch = await t.ingest(admin, slug, 'NL', people(3, 'finished'));
    await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(admin)).send({ confirm: slug }).expect(200);

    const upload = await t.upload(admin, slug, 'NL', people(2, 'late')).expect(409);
    expect(upload.body).toMatchObject({ statusCode: 409, error: 'campaign_purged' });
    expect(upload.body.message).toMatch(new RegExp(`^Campaign "${slug}" was purged on \\d{4}-\\d{2}-\\d{2}: it is finished .* takes no uploads\\.`));
    expect((await t.tally(admin, slug, 'NL', { count: 5 }).expect(409)).body.error).toBe('campaign_purged');
    expect((await t.retract(admin, batch.id).expect(409)).body.error).toBe('campaign_purged');
    expect((await t.http.post(`/api/campaigns/${slug}/packs`).set(auth(admin)).send({}).expect(409)).body.error).toBe('campaign_purged');
    expect((await t.http.post(`/api/campaigns/${slug}/erase`).set(auth(admin)).send({ email: 'finished0@example.org' }).expect(409)).body.error).toBe('campaign_purged');
    expect((await t.totals(admin, slug)).total).toBe(3);
    // Purging again is harmless (it finishes a purge that was interrupted).
    const again = await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(admin)).send({ confirm: slug }).expect(200);
    expect(again.body).toMatchObject({ signatures: 0, signers: 3, total: 3 });
  });

  it('is for the campaign lead only', async () => {
    const slug = await t.newCampaign(admin);
    const coordinator = await t.token('coordinator', 'NL');
    await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(coordinator)).send({ confirm: slug }).expect(403);
  });
});
