import { TestApp } from '../support/test-app';

describe('the queue dashboard (/admin/queues)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('opens for an admin with a bearer token, with every queue in its API', async () => {
    const admin = await t.token('admin');
    const page = await t.http.get('/admin/queues').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const { body } = await t.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['aggregate', 'dedupe', 'maintenance', 'packs', 'parse']);
    // Read-only: jobs are retried by BullMQ, not by hand (a removed job could leave a batch stuck).
    expect(body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });

  it('opens for an admin signed in to the web app', async () => {
    const admin = await t.person('admin');
    const agent = await t.signedInAgent(admin.email, admin.password);
    await agent.get('/admin/queues').expect(200);
    await agent.get('/admin/queues/api/queues').expect(200);
  });

  it('refuses a coordinator and an activist (403), by token and by session', async () => {
    const coordinator = await t.person('coordinator', 'NL');
    await t.http.get('/admin/queues').set('Authorization', `Bearer ${coordinator.token}`).expect(403);
    await t.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${coordinator.token}`).expect(403);
    const agent = await t.signedInAgent(coordinator.email, coordinator.password);
    await agent.get('/admin/queues').expect(403);
    const activist = await t.token('activist', 'HAGUE');
    await t.http.get('/admin/queues').set('Authorization', `Bearer ${activist}`).expect(403);
  });

  // The dashboard is a page of the web app: like every page, it sends whoever is not signed in to sign in first.
  it('sends a visitor who is not signed in, or with an unknown token, to sign in', async () => {
    const page = await t.http.get('/admin/queues').expect(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Fadmin%2Fqueues');
    await t.http.get('/admin/queues/api/queues').set('Authorization', 'Bearer not-a-token').expect(303);
  });
});
