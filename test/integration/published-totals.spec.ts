import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import request from 'supertest';
import { createApi } from '../../src/bootstrap';
import { PublishedTotalsRepository } from '../../src/modules/totals/published-totals.repository';
import { people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

/**
 * The public counter and an admin's totals are answered from each API process's memory under load (docs/design.md
 * "Totals", "Performance"): these tests check that what is answered follows every change, in every process,
 * across a lost subscription, and that only an admin gets the campaign-wide totals that way.
 */
describe('published totals held in memory', () => {
  let t: TestApp;
  let other: INestApplication;
  let admin: string;
  let redis: Redis;

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin());
    // A second API (without workers) on the same database and Redis, as in a deployment with several processes:
    // it has its own Redis connections and subscription. (TypeORM warns that a default data source is registered
    // twice in this process; each app uses its own.)
    other = await createApi(t.world.config, { workers: false });
    await other.listen(0, '127.0.0.1');
    redis = new Redis(t.world.config.redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
    await other.close();
    await t.close();
  });

  const counterPath = (slug: string) => `/public/campaigns/${slug}/counter`;
  const apis = () => [t.app, other];

  /** Asks until the process answers from memory, as it does once warm. */
  async function warm(app: INestApplication, slug: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!app.get(PublishedTotalsRepository).heldCounter(slug)) {
      if (Date.now() > deadline) throw new Error(`the counter of ${slug} is still not held in memory`);
      await request(app.getHttpServer()).get(counterPath(slug)).expect(200);
      await sleep(50);
    }
  }

  /** Returns once the counter (or with a token, the totals) shows `total`; fails with the last total seen after 10 s. */
  async function totalBecomes(app: INestApplication, slug: string, total: number, token?: string): Promise<void> {
    const path = token ? `/api/campaigns/${slug}/totals` : counterPath(slug);
    const deadline = Date.now() + 10_000;
    let last: unknown;
    while (Date.now() < deadline) {
      const req = request(app.getHttpServer()).get(path);
      last = (await (token ? req.set(auth(token)) : req).expect(200)).body.total;
      if (last === total) return;
      await sleep(50);
    }
    throw new Error(`the ${token ? 'totals' : 'counter'} of ${slug} show ${String(last)}, expected ${total}`);
  }

  it('shows a new batch in every API process, not only the one that counted it', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'first'));
    for (const app of apis()) await warm(app, slug);
    for (const app of apis()) await totalBecomes(app, slug, 2);

    await t.ingest(admin, slug, 'DE', people(3, 'second'));
    for (const app of apis()) await totalBecomes(app, slug, 5);
    const body = (await request(other.getHttpServer()).get(counterPath(slug)).expect(200)).body;
    expect(body).toEqual({ total: 5, goal: 1000, updatedAt: expect.any(String) });
    expect(await t.totals(admin, slug)).toMatchObject({ total: 5, updatedAt: body.updatedAt });
  });

  it("shows a new batch in an admin's totals in every API process", async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'first'));
    for (const app of apis()) {
      await totalBecomes(app, slug, 2, admin);
      expect(app.get(PublishedTotalsRepository).heldTotals(slug)).toBeDefined();
    }
    await t.ingest(admin, slug, 'DE', people(3, 'second'));
    for (const app of apis()) await totalBecomes(app, slug, 5, admin);
    const body = (await request(other.getHttpServer()).get(`/api/campaigns/${slug}/totals`).set(auth(admin)).expect(200)).body;
    expect(body.bySection).toEqual([
      { section: 'DE', online: 3, offline: 0 },
      { section: 'NL', online: 2, offline: 0 },
    ]);
  });

  it("gives a coordinator only their section's share and an activist nothing, while an admin's totals are held", async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'nl'));
    await t.ingest(admin, slug, 'DE', people(3, 'de'));
    const coordinator = await t.token('coordinator', 'NL');
    const activist = await t.token('activist', 'HAGUE');
    await totalBecomes(t.app, slug, 5, admin);
    expect(t.app.get(PublishedTotalsRepository).heldTotals(slug)).toBeDefined();

    for (let i = 0; i < 2; i++) {
      // The second time, each user is known from the first.
      const mine = await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(coordinator)).expect(200);
      expect(mine.body).toMatchObject({ section: 'NL', total: 2, bySection: [{ section: 'NL', online: 2, offline: 0 }] });
      await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(activist)).expect(403);
      await t.http.get(`/api/campaigns/${slug}/totals`).set('Authorization', 'Bearer hnd_not-a-token').expect(401);
      await t.http.get(`/api/campaigns/${slug}/totals`).expect(401);
    }
  });

  it('answers with CORS open, a short cache lifetime, and 304 to a revalidation', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(1, 'x'));
    await warm(t.app, slug);

    const first = await t.http.get(counterPath(slug)).expect(200);
    expect(first.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'cache-control': 'public, max-age=5',
      'content-type': 'application/json; charset=utf-8',
      etag: expect.stringMatching(/^W\/".+"$/),
    });
    expect(first.body).toMatchObject({ total: 1 });

    const revalidated = await t.http.get(counterPath(slug)).set('If-None-Match', first.headers.etag).expect(304);
    expect(revalidated.headers.etag).toBe(first.headers.etag);
    expect(revalidated.text ?? '').toBe('');
    const head = await t.http.head(counterPath(slug)).expect(200);
    expect(head.headers['content-length']).toBe(first.headers['content-length']);

    await t.ingest(admin, slug, 'NL', people(1, 'y'));
    await totalBecomes(t.app, slug, 2);
    await t.http.get(counterPath(slug)).set('If-None-Match', first.headers.etag).expect(200);
  });

  it('answers 404 for a campaign that does not exist, and leaves other methods to the API', async () => {
    const res = await t.http.get(counterPath('no-such-campaign')).expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'not_found', message: expect.stringContaining('no-such-campaign') });
    const slug = await t.newCampaign(admin);
    await warm(t.app, slug);
    await t.http.post(counterPath(slug)).expect(404);
  });

  it('serves a change made while its Redis subscription was down, and follows changes again once it is back', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'before'));
    await warm(other, slug);
    await totalBecomes(other, slug, 2);

    // The subscription drops and a publication happens before it is back: its announcement is lost.
    const name = `${t.world.config.redisPrefix}:totals-subscriber`;
    const ids = ((await redis.client('LIST')) as string)
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /^id=(\d+)/.exec(line)![1]);
    expect(ids.length).toBeGreaterThan(0); // one per API process that has read totals
    const published = JSON.parse((await redis.get(`${t.world.config.redisPrefix}:counter:${slug}`))!);
    await Promise.all([
      ...ids.map((id) => redis.client('KILL', 'ID', id)),
      redis.set(`${t.world.config.redisPrefix}:counter:${slug}`, JSON.stringify({ ...published, total: 7 })),
    ]);
    await totalBecomes(other, slug, 7);

    await warm(other, slug);
    await t.ingest(admin, slug, 'DE', people(1, 'after'));
    await totalBecomes(other, slug, 3);
  });
});
