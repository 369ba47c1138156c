import { WorkersService } from '../../src/queue/workers.service';
import { TestApp } from '../support/test-app';

describe('health checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('answers liveness without sign-in', async () => {
    const { body } = await t.http.get('/health/live').expect(200);
    expect(body).toMatchObject({ status: 'ok' });
  });

  it('is ready when Postgres, Redis, the file store and the workers of this process are', async () => {
    const { body } = await t.http.get('/health/ready').expect(200);
    expect(body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up', storage: 'up', workers: 'up' } });
  });

  it('answers 503 and names what is down', async () => {
    await t.app.get(WorkersService, { strict: false }).onApplicationShutdown(); // the workers stop, as after a fatal error
    const { body } = await t.http.get('/health/ready').expect(503);
    expect(body.status).toBe('unavailable');
    expect(body.checks).toMatchObject({ postgres: 'up', redis: 'up', storage: 'up' });
    expect(body.checks.workers).toMatch(/^down: not running for parse, dedupe, aggregate/);
  });
});

describe('health checks of an API without workers', () => {
  it('does not check workers it does not run', async () => {
    const t = await TestApp.start({ workers: false });
    try {
      const { body } = await t.http.get('/health/ready').expect(200);
      expect(body.checks).toEqual({ postgres: 'up', redis: 'up', storage: 'up' });
    } finally {
      await t.close();
    }
  });
});
