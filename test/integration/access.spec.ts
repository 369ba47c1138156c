import { hashToken } from '../../src/modules/auth/token';
import { TOKEN_CACHE_MS } from '../../src/modules/auth/users.service';
import { campaignDefinition, people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

/** Who may do what (docs/design.md "Who uses it", "HTTP API"), and how the campaign import refuses bad documents. */
describe('access and campaign import', () => {
  let t: TestApp;
  let admin: string;
  let nlCoordinator: string;
  let activist: string;
  const slug = 'test-campaign';

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug }));
    nlCoordinator = await t.token('coordinator', 'NL');
    activist = await t.token('activist', 'HAGUE');
  });
  afterAll(() => t.close());

  const errorBody = (statusCode: number) => ({ statusCode, error: expect.any(String), message: expect.any(String) });

  describe('signing in', () => {
    it('without a token gets 401 with a JSON error that says how to sign in', async () => {
      const res = await t.http.get(`/api/campaigns/${slug}/totals`).expect(401);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toEqual({ statusCode: 401, error: 'unauthorized', message: expect.stringContaining('Bearer') });
      await t.http.get('/api/campaigns').expect(401);
      await t.upload('', slug, 'NL', people(1, 'x')).expect(401);
    });

    it('with a wrong token gets 401', async () => {
      const res = await t.http.get(`/api/campaigns/${slug}/totals`).set(auth('not-a-real-token')).expect(401);
      expect(res.body).toEqual(errorBody(401));
      await t.http.get(`/api/campaigns/${slug}/totals`).set({ Authorization: `Basic ${admin}` }).expect(401);
    });

    it('with a revoked token gets 401 within a few seconds, though its user was just seen', async () => {
      const token = await t.token('admin');
      await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(token)).expect(200);
      await t.world.sql('UPDATE users SET token_hash = $1 WHERE token_hash = $2', [hashToken('hnd_replacement'), hashToken(token)]);

      const deadline = Date.now() + TOKEN_CACHE_MS + 10_000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        await sleep(250);
        status = (await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(token))).status;
      }
      expect(status).toBe(401);
    });
  });

  describe('a coordinator', () => {
    let deBatch: string;

    beforeAll(async () => {
      const { body } = await t.upload(admin, slug, 'DE', people(3, 'de')).expect(202);
      deBatch = body.id;
      await t.waitForBatch(admin, deBatch);
    });

    it("uploads for their own section but gets 403 for another section, with a message naming their section", async () => {
      const own = await t.upload(nlCoordinator, slug, 'NL', people(2, 'nl-own')).expect(202);
      expect(await t.waitForBatch(nlCoordinator, own.body.id)).toMatchObject({ status: 'done', counted: 2 });

      const other = await t.upload(nlCoordinator, slug, 'DE', people(2, 'nl-sneaky')).expect(403);
      expect(other.body).toEqual({ statusCode: 403, error: 'forbidden', message: expect.stringContaining('NL') });
      expect(other.body.message).toContain('DE');
      await t.tally(nlCoordinator, slug, 'DE', { count: 5, country: 'DE' }).expect(403);
    });

    it("cannot see or retract another section's batch, which looks like no batch at all", async () => {
      const read = await t.http.get(`/api/batches/${deBatch}`).set(auth(nlCoordinator)).expect(404);
      expect(read.body).toEqual(errorBody(404));
      await t.http.get(`/api/batches/${deBatch}/rejections.csv`).set(auth(nlCoordinator)).expect(404);

      const retract = await t.retract(nlCoordinator, deBatch);
      expect([403, 404]).toContain(retract.status);
      expect(retract.body).toEqual(errorBody(retract.status));
      expect(await t.waitForBatch(admin, deBatch)).toMatchObject({ status: 'done', counted: 3 });
    });

    it('retracts a batch of their own section', async () => {
      const own = await t.upload(nlCoordinator, slug, 'NL', people(2, 'nl-retract')).expect(202);
      await t.waitForBatch(nlCoordinator, own.body.id);
      const res = await t.retract(nlCoordinator, own.body.id).expect(200);
      expect(res.body).toMatchObject({ id: own.body.id, section: 'NL', status: 'retracted' });
    });

    it('cannot change the campaign definition or watch the live dashboard', async () => {
      const res = await t.http.put(`/api/campaigns/${slug}`).set(auth(nlCoordinator)).send(campaignDefinition()).expect(403);
      expect(res.body).toEqual(errorBody(403));
      await t.http.get(`/api/campaigns/${slug}/events`).set(auth(nlCoordinator)).expect(403);
    });
  });

  describe('an activist', () => {
    it('cannot upload, read totals or change the campaign', async () => {
      await t.upload(activist, slug, 'NL', people(1, 'activist')).expect(403);
      await t.tally(activist, slug, 'NL', { count: 5 }).expect(403);
      const totals = await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(activist)).expect(403);
      expect(totals.body).toEqual(errorBody(403));
      await t.http.get(`/api/campaigns/${slug}/totals.csv`).set(auth(activist)).expect(403);
      await t.http.get(`/api/campaigns/${slug}/events`).set(auth(activist)).expect(403);
      await t.http.put(`/api/campaigns/${slug}`).set(auth(activist)).send(campaignDefinition()).expect(403);
    });
  });

  describe('campaign import', () => {
    const put = (doc: object, token = admin, path = 'import-test') => t.http.put(`/api/campaigns/${path}`).set(auth(token)).send(doc);

    it('refuses a wrong document with 400 and names every offending field', async () => {
      const good = campaignDefinition({ slug: 'import-test' });
      const doc = {
        ...good,
        deliveryPoints: [{ ...good.deliveryPoints[0], hostCountry: 'XX' }, ...good.deliveryPoints.slice(1)],
        sections: [good.sections[0], { ...good.sections[1], petition: 'XX' }, { ...good.sections[2], country: 'France' }],
        routing: [...good.routing, { country: 'BR', deliveryPoint: 'BRASILIA' }],
      };
      const res = await put(doc).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_campaign' });
      expect(res.body.message).toContain('sections.1.petition');
      expect(res.body.message).toContain('"XX"');
      expect(res.body.message).toContain('sections.2.country');
      expect(res.body.message).toContain('deliveryPoints.0.hostCountry: is not a country');
      expect(res.body.message).toContain('routing.3.deliveryPoint');
      expect(res.body.message).toContain('"BRASILIA"');
      await t.http.get('/api/campaigns/import-test').set(auth(admin)).expect(404);
    });

    it('is idempotent: importing the same document twice gives the same definition, with no duplicates', async () => {
      const doc = campaignDefinition({ slug: 'import-twice' });
      const first = await put(doc, admin, 'import-twice').expect(200);
      const definition = (await t.http.get('/api/campaigns/import-twice').set(auth(admin)).expect(200)).body;
      await put(doc, admin, 'import-twice').expect(200);
      const again = (await t.http.get('/api/campaigns/import-twice').set(auth(admin)).expect(200)).body;

      expect(again).toEqual(definition);
      expect(first.body).toEqual(definition);
      expect(again.sections.map((s: { code: string }) => s.code)).toEqual(['DE', 'FR', 'NL']);
      expect(again.routing).toHaveLength(3);
      expect(again.deliveryPoints).toHaveLength(5);
      const [{ n }] = await t.world.sql(`SELECT count(*)::int AS n FROM sections s JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = 'import-twice'`);
      expect(n).toBe(3);
      const list = (await t.http.get('/api/campaigns').set(auth(nlCoordinator)).expect(200)).body;
      expect(list.filter((c: { slug: string }) => c.slug === 'import-twice')).toHaveLength(1);
    });

    it('refuses with 409 to remove a section that has batches, and changes nothing', async () => {
      const before = (await t.http.get(`/api/campaigns/${slug}`).set(auth(admin)).expect(200)).body;
      const def = campaignDefinition();
      const res = await t.http
        .put(`/api/campaigns/${slug}`)
        .set(auth(admin))
        .send({ ...def, sections: def.sections.filter((s) => s.code !== 'DE') })
        .expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'campaign_in_use', message: expect.stringContaining('section "DE"') });
      expect((await t.http.get(`/api/campaigns/${slug}`).set(auth(admin)).expect(200)).body).toEqual(before);
    });

    it('lets a section go once its batches are retracted, as the refusal message says', async () => {
      const def = campaignDefinition({ slug: 'import-remove' });
      await put(def, admin, 'import-remove').expect(200);
      const { body } = await t.upload(admin, 'import-remove', 'FR', people(2, 'fr')).expect(202);
      await t.waitForBatch(admin, body.id);
      const withoutFr = { ...def, sections: def.sections.filter((s) => s.code !== 'FR') };
      const refused = await put(withoutFr, admin, 'import-remove').expect(409);
      expect(refused.body.message).toContain('section "FR" has batches (retract them, or keep the section)');

      await t.retract(admin, body.id).expect(200);
      await put(withoutFr, admin, 'import-remove').expect(200);
      const after = (await t.http.get('/api/campaigns/import-remove').set(auth(admin)).expect(200)).body;
      expect(after.sections.map((s: { code: string }) => s.code)).toEqual(['DE', 'NL']);
    });

    it('refuses a document whose slug differs from the URL', async () => {
      const res = await put(campaignDefinition({ slug: 'other-slug' }), admin, 'url-slug').expect(400);
      expect(res.body).toMatchObject({ error: 'slug_mismatch', message: expect.stringContaining('"url-slug"') });
    });

    it('refuses to remove a delivery point that only paper tallies are routed to', async () => {
      const def = campaignDefinition({ slug: 'import-tally-point' });
      await put(def, admin, 'import-tally-point').expect(200);
      await t.tally(admin, 'import-tally-point', 'FR', { count: 30, country: 'FR' }).expect(202);
      const withoutParis = {
        ...def,
        deliveryPoints: def.deliveryPoints.filter((d) => d.code !== 'PARIS'),
        routing: def.routing.filter((r) => r.deliveryPoint !== 'PARIS'),
      };
      const refused = await put(withoutParis, admin, 'import-tally-point').expect(409);
      expect(refused.body.message).toContain('delivery point "PARIS" has signers or tallies routed to it');
    });
  });
});
