import { FlowProducer, Queue } from 'bullmq';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import request from 'supertest';
import { run, WatchedProcess } from '../../bench/processes';
import { loadConfig } from '../../src/config/config';
import { CampaignDefinition } from '../../src/modules/campaigns/campaign-definition';
import { JobQueue } from '../../src/queue/job-queue';
import { QUEUE_NAMES, QueueName } from '../../src/queue/jobs';
import { redisConnectionOptions } from '../../src/queue/redis-connection';
import { campaignDefinition } from './builders';
import { faultsSetting } from './private-servers';

const DIST = join(__dirname, '..', '..', 'dist', 'src');
const START_TIMEOUT_MS = 60_000;
/**
 * A killed worker's job is taken up again within about 1.5 times this (README "Queue settings"). Production keeps the
 * default (30 s); the suite uses less so that its scenarios fit in a few minutes. Its recovery times are measured
 * with this setting.
 */
export const QUEUE_LOCK_MS = 5000;

/**
 * Advisory lock namespaces of the product, for tests that make a stage wait at a known point: "changes to one
 * campaign's signers" (src/modules/dedupe/signers.repository.ts) and "publishing its totals"
 * (src/modules/totals/totals.repository.ts). A test that holds one finds no stage waiting if they ever change.
 */
export const CAMPAIGN_LOCK = 727_100_002;
export const PUBLISH_LOCK = 727_100_003;

/** Job states in which a job still has work ahead of it (besides `delayed`, see busyQueues). */
const UNFINISHED = ['active', 'waiting', 'waiting-children', 'prioritized'] as const;

export interface StackOptions {
  /** Worker processes to start (default 2: one per core). */
  workers?: number;
  /** The file store (default `.data/faults/<name>/store`, emptied first); a test that mounts its own passes it. */
  storageDir?: string;
}

/**
 * The real thing for one test file of the fault suite: the compiled API (`node dist/src/main.js`, without
 * workers) and separate worker processes (`node dist/src/worker.js`), on the suite's own PostgreSQL and Redis
 * (scripts/faults.sh), with a database, Redis prefix, file store and log folder of the file's own. Tests drive it
 * over HTTP and the CLI as people and scripts do, kill and restart its processes, and read the database directly
 * to check what it did. Each process's output is in `.data/faults/<name>/logs/`.
 */
export class FaultStack {
  readonly workers: WatchedProcess[] = [];
  api: WatchedProcess | null = null;
  /** Every process started, running or not (an API or worker replaced after a fault included). */
  private readonly spawned: WatchedProcess[] = [];
  private workersStarted = 0;
  private flows: FlowProducer | null = null;
  private readonly gates: { release: () => Promise<void> }[] = [];

  private constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly baseUrl: string,
    readonly admin: string,
    /** This file's folder, `.data/faults/<name>`: its logs, file store and any file a test writes. */
    readonly dir: string,
    private readonly pool: Pool,
    private readonly queues: Queue[],
  ) {}

  static async start(name: string, options: StackOptions = {}): Promise<FaultStack> {
    const dir = join(faultsSetting('FAULTS_DATA'), name);
    const logs = join(dir, 'logs');
    await rm(logs, { recursive: true, force: true });
    await mkdir(logs, { recursive: true });
    const storageDir = options.storageDir ?? join(dir, 'store');
    if (!options.storageDir) await rm(storageDir, { recursive: true, force: true });

    const database = `handin_faults_${name.replace(/\W/g, '_')}`;
    const server = faultsSetting('FAULTS_DATABASE_URL');
    const maintenance = new Client({ connectionString: server });
    await maintenance.connect();
    try {
      await maintenance.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await maintenance.query(`CREATE DATABASE ${database}`);
    } finally {
      await maintenance.end();
    }
    const databaseUrl = Object.assign(new URL(server), { pathname: `/${database}` }).toString();
    const redisUrl = faultsSetting('FAULTS_REDIS_URL');
    const redisPrefix = `handin-faults-${name}`;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      STORAGE_DIR: storageDir,
      HANDIN_HMAC_SECRET: 'fault-suite-secret-fault-suite-secret-0123',
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKERS_IN_API: 'false',
      QUEUE_LOCK_MS: String(QUEUE_LOCK_MS),
      // 1 MB chunks: a 10 MB export is parsed by both workers at once, as a 100 MB one is with the default.
      PARSE_CHUNK_BYTES: String(1024 * 1024),
      // The recount would repair a wrong counter before the test sees it.
      RECONCILE_EVERY_MS: '0',
      FILE_SWEEP_EVERY_MS: '0',
      // Every request comes from this one address.
      RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
      LOG_LEVEL: 'info',
    };
    const admin = lastLine(await run(process.execPath, [join(DIST, 'cli.js'), 'users:create', '--email', `lead@${name}.faults`, '--role', 'admin'], env));
    const pool = new Pool({ connectionString: databaseUrl, max: 4 });
    pool.on('error', () => undefined); // a restarted PostgreSQL drops idle connections; the next query opens another
    const queues = QUEUE_NAMES.map((queue) => new Queue(queue, { connection: redisConnectionOptions(redisUrl), prefix: `${redisPrefix}:bull` }));
    for (const queue of queues) queue.on('error', () => undefined); // likewise for a restarted Redis

    const stack = new FaultStack(env, `http://127.0.0.1:${port}`, admin, dir, pool, queues);
    try {
      await stack.startApi();
      for (let i = 0; i < (options.workers ?? 2); i++) await stack.startWorker();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** Starts the API and waits until it is ready. */
  async startApi(): Promise<void> {
    const api = (this.api = this.spawn('api', 'main.js'));
    await this.until('the API to be ready', () => this.ready(), { timeoutMs: START_TIMEOUT_MS, unless: () => stopped(api) });
  }

  /** Starts a worker process and waits until its workers take jobs. */
  async startWorker(): Promise<WatchedProcess> {
    const worker = this.spawn(`worker-${++this.workersStarted}`, 'worker.js');
    this.workers.push(worker);
    await this.until(`${worker.name} to take jobs`, async () => (await this.queue('parse').getWorkersCount()) >= this.running().length, {
      timeoutMs: START_TIMEOUT_MS,
      unless: () => stopped(worker),
    });
    return worker;
  }

  /** Sends a signal to worker processes (all by default) and waits until they have exited. */
  async signalWorkers(signal: NodeJS.Signals, which: WatchedProcess[] = this.running()): Promise<void> {
    for (const worker of which) worker.child.kill(signal);
    await Promise.all(which.map((worker) => worker.exited));
  }

  running(): WatchedProcess[] {
    return this.workers.filter((worker) => worker.running);
  }

  /** Requests with the campaign lead's token: `stack.http.get(path)`. */
  get http() {
    const agent = request(this.baseUrl);
    const signed = (test: request.Test) => test.set('Authorization', `Bearer ${this.admin}`);
    return {
      get: (path: string) => signed(agent.get(path)),
      post: (path: string) => signed(agent.post(path)),
      put: (path: string) => signed(agent.put(path)),
    };
  }

  /** A campaign from the builder (fresh slug, so its totals start at zero), once its first totals are published. */
  async newCampaign(slug: string, overrides: Partial<CampaignDefinition> = {}): Promise<{ slug: string; id: number }> {
    await this.http.put(`/api/campaigns/${slug}`).send(campaignDefinition({ ...overrides, slug })).expect(200);
    await this.idle();
    const [{ id }] = await this.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);
    return { slug, id };
  }

  /** Uploads an export to a section; the test states the status it expects. */
  upload(slug: string, section: string, bytes: Buffer, fileName = 'export.csv'): request.Test {
    return this.http.post(`/api/campaigns/${slug}/sections/${section}/batches`).attach('file', bytes, fileName);
  }

  async batch(id: string): Promise<any> {
    return (await this.http.get(`/api/batches/${id}`).expect(200)).body;
  }

  async totals(slug: string): Promise<any> {
    return (await this.http.get(`/api/campaigns/${slug}/totals`).expect(200)).body;
  }

  /** Uploads an export large enough to be split, and returns its batch's id once every running worker parses a chunk of it. */
  async uploadParsedByAll(slug: string, section: string, bytes: Buffer): Promise<string> {
    const { body } = await this.upload(slug, section, bytes).expect(202);
    await this.batchWhen(body.id, 'well into parsing', (b) => b.status === 'parsing' && b.progress > 0.1);
    const everyWorker = async () => (await this.queue('parse').getActiveCount()) >= this.running().length;
    await this.until('every worker to parse a chunk', everyWorker, { timeoutMs: 30_000, everyMs: 10 });
    return body.id;
  }

  /** Waits until the batch satisfies `reached`; fails when it ends otherwise or takes too long. Returns it. */
  async batchWhen(id: string, what: string, reached: (batch: any) => boolean, timeoutMs = 90_000): Promise<any> {
    let last: any;
    await this.until(`batch ${id} to be ${what}`, async () => reached((last = await this.batch(id))), {
      timeoutMs,
      everyMs: 20,
      unless: () => (last && ENDED.includes(last.status) ? `batch ${id} ended ${last.status} (${last.error}) before it was ${what}` : null),
    });
    return last;
  }

  /** Runs the CLI (`node dist/src/cli.js`) with this stack's configuration; returns what it printed. */
  cli(...args: string[]): Promise<string> {
    return run(process.execPath, [join(DIST, 'cli.js'), ...args], this.env);
  }

  sql(text: string, params: unknown[] = []): Promise<any[]> {
    return this.pool.query(text, params).then((result) => result.rows);
  }

  queue(name: QueueName): Queue {
    return this.queues.find((queue) => queue.name === name)!;
  }

  /** The product's own JobQueue on this stack's queues, for a test that enqueues work exactly as the product does. */
  jobQueue(): JobQueue {
    const config = loadConfig(this.env);
    this.flows ??= new FlowProducer({ connection: redisConnectionOptions(config.redisUrl), prefix: `${config.redisPrefix}:bull` });
    const queue = (name: QueueName) => this.queue(name);
    return new JobQueue(this.flows, queue('parse'), queue('dedupe'), queue('aggregate'), queue('maintenance'), queue('packs'), config);
  }

  /**
   * The queues with jobs still ahead of them, with their counts (empty when every queue is idle). A delayed job is
   * a retry still to come, unless it is the next run of a schedule (the recovery sweep's), which is always there.
   */
  async busyQueues(): Promise<string[]> {
    const busy: string[] = [];
    for (const queue of this.queues) {
      const counts: Record<string, number> = await queue.getJobCounts(...UNFINISHED);
      counts.delayed = (await queue.getDelayed()).filter((job) => !job.repeatJobKey).length;
      if (Object.values(counts).some((n) => n > 0)) busy.push(`${queue.name} ${JSON.stringify(counts)}`);
    }
    return busy;
  }

  async idle(timeoutMs = 60_000): Promise<void> {
    await this.until('every queue to be idle', async () => (await this.busyQueues()).length === 0, { timeoutMs });
  }

  /** True while a dedupe stage commits: its transaction (SignersRepository.commitBatch) runs its statements. */
  async committing(): Promise<boolean> {
    const sessions = await this.sql(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%commit_candidates%'`,
    );
    return sessions.length > 0;
  }

  /**
   * Holds one of the product's advisory locks (CAMPAIGN_LOCK, PUBLISH_LOCK) for a campaign from a connection of
   * the test's own, so that the stage that takes it next waits there until `release` (or `stop`, when the test
   * failed before it let go).
   */
  async holdLock(namespace: number, campaignId: number): Promise<{ release: () => Promise<void> }> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1, $2)', [namespace, campaignId]);
    // Closing the session releases its locks; releasing twice closes it once.
    let closed: Promise<void> | null = null;
    const gate = { release: () => (closed ??= client.end()) };
    this.gates.push(gate);
    return gate;
  }

  /** Waits until `count` sessions wait for that lock. */
  async lockWaiters(namespace: number, campaignId: number, count: number): Promise<void> {
    const waiting = async () => {
      const [row] = await this.sql(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND NOT granted`, [namespace, campaignId]);
      return row.n >= count;
    };
    await this.until(`${count} session(s) to wait for lock ${namespace}/${campaignId}`, waiting, { timeoutMs: 60_000, everyMs: 20 });
  }

  /**
   * Polls `done` until it is true. An error of `done` (a server restarting) counts as "not yet" and the last one is
   * reported on timeout; `unless` names a reason to give up at once (a process died), or null.
   */
  async until(what: string, done: () => Promise<boolean>, options: { timeoutMs: number; everyMs?: number; unless?: () => string | null }): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await done()) return;
      } catch (error) {
        lastError = error;
      }
      const reason = options.unless?.();
      if (reason) throw new Error(`${reason}, while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`waited ${options.timeoutMs / 1000} s for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
      await sleep(options.everyMs ?? 100);
    }
  }

  /** Kills every process (SIGKILL: whatever they were doing is no longer of interest) and closes connections. */
  async stop(): Promise<void> {
    for (const p of this.spawned) {
      p.monitor.finish(); // its sampling timer would keep jest from exiting
      if (p.running) p.kill();
    }
    await Promise.all(this.spawned.map((p) => p.exited));
    await Promise.all(this.gates.map((gate) => gate.release()));
    await Promise.all([...this.queues, ...(this.flows ? [this.flows] : [])].map((queue) => queue.close().catch(() => undefined)));
    await this.pool.end().catch(() => undefined);
  }

  private spawn(name: string, script: string): WatchedProcess {
    const p = new WatchedProcess(name, process.execPath, [join(DIST, script)], this.env, join(this.dir, 'logs', `${name}.log`));
    this.spawned.push(p);
    return p;
  }

  private async ready(): Promise<boolean> {
    return (await fetch(`${this.baseUrl}/health/ready`)).ok;
  }
}

const ENDED = ['done', 'failed', 'retracted'];

/** Why a process that should be running is not, or null. */
function stopped(p: WatchedProcess): string | null {
  return p.running ? null : `${p.name} stopped (${p.exitReason}; see ${p.logFile})`;
}

/** A TCP port nothing listens on right now, for the API. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function lastLine(output: string): string {
  return output.trim().split('\n').pop()!.trim();
}
