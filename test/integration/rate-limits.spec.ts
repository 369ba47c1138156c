import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApi } from '../../src/bootstrap';
import { csv, people } from '../support/builders';
import { TestApp } from '../support/test-app';

/** Limits per client address, held in Redis across API processes, answered 429 with Retry-After; and the headers every response carries. */
describe('rate limits and security headers', () => {
  let app: TestApp;
  let other: INestApplication;
  let admin: string;
  let slug: string;

  beforeAll(async () => {
    app = await TestApp.start({ config: { requestsPerMinute: 40, uploadsPerMinute: 2, badCredentialsPerMinute: 3 } });
    other = await createApi(app.world.config, { workers: false }); // a second API process: the counts are shared
    await other.listen(0, '127.0.0.1');
    admin = await app.token('admin');
    slug = await app.newCampaign(admin);
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
  });

  it('limits uploads per minute', async () => {
    const upload = () => app.http.post(`/api/campaigns/${slug}/sections/NL/batches?dryRun=true`).set('Authorization', `Bearer ${admin}`).attach('file', Buffer.from(csv(people(2, 'x'))), 'x.csv');
    expect([(await upload()).status, (await upload()).status]).toEqual([200, 200]);
    const third = await upload();
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
  });

  it('stops guessing tokens after a few wrong ones, in every process', async () => {
    const wrong = () => request(other.getHttpServer()).get('/api/campaigns').set('Authorization', 'Bearer hnd_guess');
    expect((await app.http.get('/api/campaigns').set('Authorization', 'Bearer hnd_guess')).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    const refused = await wrong();
    expect([refused.status, refused.body.error]).toEqual([429, 'too_many_requests']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits requests per minute (the budget of this address is spent last)', async () => {
    let last = 0;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await request(other.getHttpServer()).get('/health/live')).status;
    expect(last).toBe(429);
  });

  it('sends security headers, a content security policy on pages, and no-store on personal data', async () => {
    const fresh = await TestApp.start({ workers: false });
    try {
      const page = await fresh.http.get('/sign-in').expect(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['x-powered-by']).toBeUndefined();
      expect(page.headers['cache-control']).toBe('no-store');
      const token = await fresh.token('admin');
      const api = await fresh.http.get('/api/campaigns').set('Authorization', `Bearer ${token}`).expect(200);
      expect(api.headers['cache-control']).toBe('no-store');
      const css = /href="(\/assets\/app\.[0-9a-f]+\.css)"/.exec(page.text)![1];
      expect((await fresh.http.get(css).expect(200)).headers['cache-control']).toContain('immutable');
    } finally {
      await fresh.close();
    }
  });
});
