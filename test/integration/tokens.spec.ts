import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { createApi } from '../../src/bootstrap';
import { TestApp } from '../support/test-app';

/** API tokens expire, show when they were last used, and stop working at once in every process when revoked. */
describe('API tokens', () => {
  let app: TestApp;
  let other: INestApplication;
  let admin: string;
  let slug: string;
  const asAdmin = { Authorization: '' };

  beforeAll(async () => {
    app = await TestApp.start();
    // A second API process on the same database and Redis, as behind a load balancer.
    other = await createApi(app.world.config, { workers: false });
    await other.listen(0, '127.0.0.1');
    admin = await app.token('admin');
    asAdmin.Authorization = `Bearer ${admin}`;
    slug = await app.newCampaign(admin);
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
  });

  const status = async (server: INestApplication, token: string) =>
    (await request(server.getHttpServer()).get(`/api/campaigns/${slug}/sections/NL/preset`).set('Authorization', `Bearer ${token}`)).status;

  it('refuses a revoked token at once in every process, and records when a token was last used', async () => {
    const person = await app.person('coordinator', 'NL');
    expect([await status(app.app, person.token), await status(other, person.token)]).toEqual([200, 200]); // both remember it now
    const listed = (await app.http.get('/api/users').set(asAdmin).expect(200)).body.find((u: { email: string }) => u.email === person.email);
    expect(listed.tokenLastUsedAt).not.toBeNull();
    expect(new Date(listed.tokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 179 * 24 * 3600_000);

    await app.http.post(`/api/users/${listed.id}/token/revoke`).set(asAdmin).expect(200);
    for (let i = 0; i < 20 && (await status(other, person.token)) !== 401; i++) await new Promise((r) => setTimeout(r, 50)); // pub/sub: milliseconds
    expect([await status(app.app, person.token), await status(other, person.token)]).toEqual([401, 401]);

    const renewed = (await app.http.post(`/api/users/${listed.id}/token`).set(asAdmin).expect(200)).body;
    expect(await status(other, renewed.token)).toBe(200);
    expect(await status(other, person.token)).toBe(401);
  });

  it('refuses an expired token and a disabled person', async () => {
    const expired = await app.person('coordinator', 'NL');
    await app.world.sql(`UPDATE users SET token_expires_at = now() - interval '1 minute' WHERE email = $1`, [expired.email]);
    expect(await status(app.app, expired.token)).toBe(401);

    const disabled = await app.person('coordinator', 'NL');
    expect(await status(other, disabled.token)).toBe(200);
    const id = (await app.http.get('/api/users').set(asAdmin).expect(200)).body.find((u: { email: string }) => u.email === disabled.email).id;
    await app.http.post(`/api/users/${id}/disable`).set(asAdmin).expect(200);
    for (let i = 0; i < 20 && (await status(other, disabled.token)) !== 401; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await status(other, disabled.token)).toBe(401);
    expect((await app.http.post(`/api/users/${id}/disable`).set(`Authorization`, `Bearer ${disabled.token}`)).status).toBe(401);
  });

  it('is for the campaign lead only', async () => {
    const coordinator = await app.token('coordinator', 'NL');
    expect((await app.http.get('/api/users').set('Authorization', `Bearer ${coordinator}`)).status).toBe(403);
    expect((await app.http.post('/api/users/not-a-number/disable').set(asAdmin)).status).toBe(400);
  });
});
