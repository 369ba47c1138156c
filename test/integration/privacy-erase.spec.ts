import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignersRepository } from '../../src/modules/dedupe/signers.repository';
import { people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

/** `erase`: one person asks to be removed; everything of theirs goes, and the numbers follow. */
describe('erasing a signer on request', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => ({ t, admin } = await TestApp.startAsAdmin()));
  afterAll(() => t?.close());

  const dump = async () => (await promisify(execFile)('pg_dump', ['--data-only', t.world.config.databaseUrl], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  const erase = (slug: string, body: object) => t.http.post(`/api/campaigns/${slug}/erase`).set(auth(admin)).send(body);
  const recount = async (slug: string) => {
    const [{ id }] = await t.world.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);
    const signers = t.app.get(SignersRepository);
    return signers.inCampaignLock(id, (tx) => signers.reconcile(tx, id));
  };
  const pack = async (slug: string, code: string) => {
    for (let i = 0; i < 600; i++) {
      const { body } = await t.http.get(`/api/campaigns/${slug}/delivery-points/${code}/pack`).set(auth(admin)).expect(200);
      if (body.status === 'done') return body;
      await sleep(100);
    }
    throw new Error(`pack of ${code} not done`);
  };

  it('removes everything of a person who signed in two batches; the total loses one and the pack is made again without them', async () => {
    const slug = await t.newCampaign(admin);
    const dutch = people(5, 'Erasea').map((p, i) => ({ ...p, city: `Erasetown${i}` }));
    // Erasea2 signs again with the same (differently spelled) e-mail in Germany, plus three new people.
    const german = [{ ...dutch[2], email: 'ERASEA2@example.org', city: 'Erasestadt' }, ...people(3, 'Eraseb', '2017-05-03T10:00:00Z')];
    await t.ingest(admin, slug, 'NL', dutch);
    await t.ingest(admin, slug, 'DE', german);
    await t.http.post(`/api/campaigns/${slug}/packs`).set(auth(admin)).send({}).expect(202);
    expect((await pack(slug, 'HAGUE')).stale).toBe(false);
    const before = await t.totals(admin, slug);
    expect(before.total).toBe(8);

    const dry = await erase(slug, { email: 'erasea2@example.org', dryRun: true }).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, signaturesDeleted: 2, counted: true, totalBefore: 8, totalAfter: 7, packsRemade: ['HAGUE'] });
    expect(dry.body.message).toBe(
      'Removing the signature of erasea2@example.org from campaign "Stop the persecution" would delete 2 signatures, and the total would go from 8 to 7; nothing was changed yet.',
    );
    expect(await t.totals(admin, slug)).toEqual(before);
    expect(await dump()).toMatch(/Erasea2[\s\S]*Erasestadt/);
    const listed = await pack(slug, 'HAGUE');
    expect(listed.stale).toBe(false);

    const done = await erase(slug, { email: 'erasea2@example.org' }).expect(200);
    expect(done.body).toMatchObject({ dryRun: false, signaturesDeleted: 2, counted: true, totalBefore: 8, totalAfter: 7, packsRemade: ['HAGUE'] });
    expect(done.body.message).toMatch(
      /^We removed the signature of erasea2@example.org from campaign "Stop the persecution" on \d{4}-\d{2}-\d{2}; 2 signatures were deleted, the total went from 8 to 7\.$/,
    );
    const after = await t.totals(admin, slug);
    expect(after.total).toBe(7);
    expect(after.bySection.find((s: { section: string }) => s.section === 'NL')).toMatchObject({ online: 4 });
    const text = await dump();
    expect(text).not.toMatch(/Erasea2|Erasetown2|Erasestadt/);
    expect(text).toMatch(/Erasea1/); // nobody else's
    // The pack that listed the person is gone, files and all; a new one without them takes its place.
    const remade = await pack(slug, 'HAGUE');
    expect(remade).toMatchObject({ stale: false, signatures: listed.signatures - 1 });
    expect(remade.listSha256).not.toBe(listed.listSha256);
    const list = await t.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/signatures.csv`).set(auth(admin)).expect(200);
    expect(list.text).toMatch(/Erasea1/);
    expect(list.text).not.toMatch(/Erasea2/);
    const packFiles = (await readdir(join(t.world.config.storageDir, 'packs'), { withFileTypes: true, recursive: true })).filter((e) => e.isFile());
    for (const file of packFiles) expect((await readFile(join(file.parentPath, file.name))).toString('latin1')).not.toMatch(/Erasea2|Erasestadt/);
    expect(await recount(slug)).toMatchObject({ mismatched: 0 });

    // Asking again finds nothing and changes nothing.
    const again = await erase(slug, { email: 'erasea2@example.org' }).expect(200);
    expect(again.body).toMatchObject({ signaturesDeleted: 0, counted: false, totalBefore: 7, totalAfter: 7 });
    expect(again.body.message).toMatch(/^We found no signature of erasea2@example.org in campaign "Stop the persecution" on .*; nothing was deleted, the total stays 7\.$/);
  });

  it('finds a signer without e-mail by name, country and city as ingest keys them', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', [
      { name: 'Nina  Noemail', country: 'NL', city: 'Utrecht', signed: '2017-05-01T10:00:00Z' },
      { name: 'Otto Other', country: 'NL', city: 'Utrecht', signed: '2017-05-01T11:00:00Z' },
    ]);
    const done = await erase(slug, { name: 'nina noemail', country: 'Netherlands', city: ' UTRECHT ' }).expect(200);
    expect(done.body).toMatchObject({ signaturesDeleted: 1, totalBefore: 2, totalAfter: 1 });
    expect(done.body.message).toContain('We removed the signature of nina noemail from campaign');
    expect(done.body.message).not.toContain('Otto');
    expect((await t.totals(admin, slug)).total).toBe(1);
  });

  it('takes a person out of the frozen copy and the frozen numbers too', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(4, 'Frozenerase'));
    await t.http.post(`/api/campaigns/${slug}/freeze`).set(auth(admin)).expect(200);
    expect((await t.totals(admin, slug)).frozen.total).toBe(4);
    const done = await erase(slug, { email: 'frozenerase1@example.org' }).expect(200);
    expect(done.body).toMatchObject({ signaturesDeleted: 1, frozenRemoved: true, totalAfter: 3 });
    const totals = await t.totals(admin, slug);
    expect(totals.total).toBe(3);
    expect(totals.frozen.total).toBe(3);
    expect(await dump()).not.toMatch(/Frozenerase1/);
  });

  it('says what is missing when the request cannot name a signer', async () => {
    const slug = await t.newCampaign(admin);
    expect((await erase(slug, {}).expect(400)).body.error).toBe('invalid_erase');
    expect((await erase(slug, { email: 'not an address' }).expect(400)).body.error).toBe('invalid_erase');
    expect((await erase(slug, { name: 'Nina', country: 'Atlantis', city: 'X' }).expect(400)).body.message).toMatch(/country "Atlantis" is not recognised/);
    const coordinator = await t.token('coordinator', 'NL');
    await t.http.post(`/api/campaigns/${slug}/erase`).set(auth(coordinator)).send({ email: 'a@example.org' }).expect(403);
  });
});
