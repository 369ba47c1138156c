import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createApi } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/config';
import { UsersService } from '../../src/modules/auth/users.service';
import { OPERATOR } from '../../src/modules/auth/access';
import { QUEUE_NAMES } from '../../src/queue/jobs';
import { redisConnectionOptions } from '../../src/queue/redis-connection';
import { CampaignDefinition } from '../../src/modules/campaigns/campaign-definition';
import { campaignDefinition, csv, SignerRow } from './builders';
import { databaseUrl, templateDatabase, TEST_REDIS_URL, TEST_SERVER_URL, testDatabaseName } from './env';

/** An isolated world for one test file: its own database, Redis prefix and file store. */
export interface TestWorld {
  config: AppConfig;
  /** Environment for a separate process (`node dist/src/worker.js`) that shares this world. */
  env: Record<string, string>;
  sql(text: string, params?: unknown[]): Promise<any[]>;
  destroy(): Promise<void>;
}

export async function createWorld(overrides: Partial<AppConfig> = {}): Promise<TestWorld> {
  const id = randomBytes(4).toString('hex');
  const database = testDatabaseName('file', id);
  const admin = new Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE ${templateDatabase()}`);
  await admin.end();

  const storageDir = await mkdtemp(join(tmpdir(), 'handin-test-'));
  const secret = 'test-secret-test-secret-test-secret-0123';
  const config: AppConfig = {
    // Every setting not named below as a deployment has it by default.
    ...loadConfig({ DATABASE_URL: databaseUrl(database), REDIS_URL: TEST_REDIS_URL, STORAGE_DIR: storageDir, HANDIN_HMAC_SECRET: secret }),
    databaseUrl: databaseUrl(database),
    redisUrl: TEST_REDIS_URL,
    redisPrefix: `handin-test-${id}`,
    port: 0,
    host: '127.0.0.1',
    storageDir,
    hmacSecret: Buffer.from(secret),
    workersInApi: true,
    workerConcurrency: 2,
    queueLockMs: 3000,
    // Small, so that test files of a few hundred rows are parsed in several chunks, as large exports are.
    parseChunkBytes: 16 * 1024,
    reconcileEveryMs: 0,
    maxUploadBytes: 200 * 1024 * 1024,
    maxRowsPerBatch: 5_000_000,
    maxColumns: 500,
    maxFieldChars: 10_000,
    logLevel: 'warn',
    publicUrl: 'http://127.0.0.1',
    sourceRetentionDays: 0,
    reportRetentionDays: 30,
    fileSweepEveryMs: 0,
    // A schedule keeps a delayed job in the queue, and the queues would never look idle; ops-recovery sweeps itself.
    recoverySweepEveryMs: 0,
    apiTokenDays: 180,
    // Tests send many requests from one address; rate-limit.spec.ts sets low limits to test them.
    requestsPerMinute: 1_000_000,
    uploadsPerMinute: 1_000_000,
    badCredentialsPerMinute: 1_000_000,
    sessionIdleMinutes: 120,
    sessionMaxHours: 12,
    ...overrides,
  };
  const env = {
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    STORAGE_DIR: storageDir,
    HANDIN_HMAC_SECRET: secret,
    QUEUE_LOCK_MS: String(config.queueLockMs),
    PARSE_CHUNK_BYTES: String(config.parseChunkBytes),
    RECONCILE_EVERY_MS: '0',
    FILE_SWEEP_EVERY_MS: '0',
    RECOVERY_SWEEP_EVERY_MS: '0',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '1000000',
    RATE_LIMIT_BAD_CREDENTIALS_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  };
  const db = new Client({ connectionString: config.databaseUrl });
  await db.connect();

  return {
    config,
    env,
    sql: async (text, params) => (await db.query(text, params as unknown[])).rows,
    destroy: async () => {
      await db.end();
      const a = new Client({ connectionString: TEST_SERVER_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await a.end();
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${config.redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** The header that signs a supertest request in with an API token: `t.http.get(path).set(auth(token))`. */
export function auth(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export interface StartOptions {
  /** Run the pipeline workers in the API process (default); false when a test starts worker processes itself. */
  workers?: boolean;
  config?: Partial<AppConfig>;
}

/** What an upload sends beside the file. */
export interface UploadOptions {
  /** The file's name (default `export.csv`). */
  name?: string;
  /** Form fields sent before the file: `mapping`, `dateFormat`, `savePreset`, `note`. */
  fields?: Record<string, string>;
  /** Preview the file (`?dryRun=true`) instead of creating a batch. */
  dryRun?: boolean;
}

/** The API (with or without in-process workers) on an ephemeral port, plus helpers a test needs. */
export class TestApp {
  private campaigns = 0;

  private constructor(
    readonly world: TestWorld,
    readonly app: INestApplication,
  ) {}

  static async start(options: StartOptions = {}): Promise<TestApp> {
    const world = await createWorld(options.config);
    const app = await createApi(world.config, { workers: options.workers ?? true });
    await app.listen(0, '127.0.0.1');
    return new TestApp(world, app);
  }

  /**
   * How most test files begin: a started app, an admin's token and, when `campaign` is given, that campaign
   * imported from the builder under that slug.
   */
  static async startAsAdmin(options: StartOptions & { campaign?: string } = {}): Promise<{ t: TestApp; admin: string }> {
    const t = await TestApp.start(options);
    const admin = await t.token('admin');
    if (options.campaign) await t.newCampaign(admin, { slug: options.campaign });
    return { t, admin };
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  /**
   * Imports a campaign (from the builder) and returns its slug. Without a slug in `overrides` it is a fresh one, so
   * a test's totals start at zero.
   */
  async newCampaign(token: string, overrides: Partial<CampaignDefinition> = {}): Promise<string> {
    const slug = overrides.slug ?? `campaign-${++this.campaigns}`;
    await this.http.put(`/api/campaigns/${slug}`).set(auth(token)).send(campaignDefinition({ ...overrides, slug })).expect(200);
    return slug;
  }

  /**
   * Sends a file to a section as a multipart upload: bytes, text, or rows written as a CSV export. Returns the
   * request, so the test states the status it expects (`202` a new batch, `200` the same file or a preview).
   */
  upload(token: string, slug: string, section: string, file: Buffer | string | SignerRow[], options: UploadOptions = {}): request.Test {
    const path = `/api/campaigns/${slug}/sections/${section}/batches${options.dryRun ? '?dryRun=true' : ''}`;
    let req = this.http.post(path).set(auth(token));
    for (const [field, value] of Object.entries(options.fields ?? {})) req = req.field(field, value);
    const bytes = Buffer.isBuffer(file) ? file : Buffer.from(typeof file === 'string' ? file : csv(file));
    return req.attach('file', bytes, options.name ?? 'export.csv');
  }

  /** Uploads a file (as `upload`), expects a new batch and returns the batch once it is done or failed. */
  async uploadAndWait(token: string, slug: string, section: string, file: Buffer | string | SignerRow[], options: UploadOptions = {}): Promise<any> {
    const { body } = await this.upload(token, slug, section, file, options).expect(202);
    return this.waitForBatch(token, body.id);
  }

  /** Creates a user directly (as the CLI does) and returns its token. */
  async token(role: 'admin' | 'coordinator' | 'activist', scope?: string): Promise<string> {
    const email = `${role}-${randomBytes(3).toString('hex')}@example.org`;
    const { token } = await this.app.get(UsersService).create(OPERATOR, { email, role, section: scope, deliveryPoint: scope });
    return token;
  }

  /** Creates a person who signs in to the web app with e-mail and password; their API token comes along. */
  async person(role: 'admin' | 'coordinator' | 'activist', scope?: string): Promise<{ email: string; password: string; token: string }> {
    const email = `${role}-${randomBytes(3).toString('hex')}@example.org`;
    const password = `password-${randomBytes(6).toString('hex')}`;
    const { token } = await this.app.get(UsersService).create(OPERATOR, { email, role, section: scope, deliveryPoint: scope, password });
    return { email, password, token };
  }

  /** An agent holding a web session of a person who signed in with e-mail and password, as a browser would. */
  async signedInAgent(email: string, password: string): Promise<request.Agent> {
    const agent = request.agent(this.app.getHttpServer());
    const page = await agent.get('/sign-in').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/sign-in').type('form').send({ _csrf: csrf, email, password, next: '/' }).expect(303);
    return agent;
  }

  /** The address the API listens on, for a browser. */
  get baseUrl(): string {
    const address = this.app.getHttpServer().address();
    return `http://127.0.0.1:${address.port}`;
  }

  /** Records a paper tally for a section (`body`: count, country, note). Returns the request. */
  tally(token: string, slug: string, section: string, body: object): request.Test {
    return this.http.post(`/api/campaigns/${slug}/sections/${section}/batches`).set(auth(token)).send({ kind: 'tally', ...body });
  }

  /** Asks to retract a batch. Returns the request. */
  retract(token: string, id: string): request.Test {
    return this.http.post(`/api/batches/${id}/retract`).set(auth(token));
  }

  /** Uploads `rows` as a CSV export of `section` and waits until the batch is counted; fails the test otherwise. */
  async ingest(token: string, slug: string, section: string, rows: SignerRow[]): Promise<any> {
    const batch = await this.uploadAndWait(token, slug, section, rows);
    if (batch.status !== 'done') throw new Error(`batch ${batch.id} ended ${batch.status}: ${batch.error}`);
    return batch;
  }

  /** The campaign's totals once every queue is idle (so every change so far is published). */
  async totals(token: string, slug: string): Promise<any> {
    await this.waitForIdle();
    return (await this.http.get(`/api/campaigns/${slug}/totals`).set(auth(token)).expect(200)).body;
  }

  /** Polls a batch until it reaches one of the given statuses. */
  async waitForBatch(token: string, id: string, statuses = ['done', 'failed'], timeoutMs = 60000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.http.get(`/api/batches/${id}`).set(auth(token))).body;
      if (statuses.includes(last.status)) return last;
      await sleep(100);
    }
    throw new Error(`batch ${id} still ${last?.status} (progress ${last?.progress}) after ${timeoutMs} ms`);
  }

  /** Waits until no queue of this world has work waiting or running; names the busy queue on timeout. */
  async waitForIdle(timeoutMs = 60000): Promise<void> {
    const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: redisConnectionOptions(this.world.config.redisUrl), prefix: `${this.world.config.redisPrefix}:bull` }));
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const busy: string[] = [];
        for (const queue of queues) {
          const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'waiting-children', 'prioritized');
          if (Object.values(counts).some((n) => n > 0)) busy.push(`${queue.name} ${JSON.stringify(counts)}`);
        }
        if (busy.length === 0) return;
        if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms: ${busy.join('; ')}`);
        await sleep(100);
      }
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.world.destroy();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
