/**
 * A fresh Handin for one scenario: empty database and Redis keys, the demo campaign imported, an admin token,
 * the API (workers disabled in it) and N worker processes (`node dist/src/worker.js`), so the peak memory of
 * each process is its own. Every scenario starts from the same state and its processes are always stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { redisConnectionOptions } from '../src/queue/redis-connection';
import { HandinClient } from './handin-client';
import { ProcessUsage } from './measurement';
import { BenchOptions } from './options';
import { checkpoint, sql } from './postgres';
import { run, WatchedProcess } from './processes';
import { progress } from './report';

const CAMPAIGN_FILE = 'demo/campaign.json';
const CAMPAIGN_SLUG = 'chechnya-2017';
const START_TIMEOUT_MS = 60_000;
/** Any secret will do: every scenario starts from an empty database. */
const HMAC_SECRET = randomBytes(32).toString('hex');

export interface StackOptions {
  /** Names the scenario in logs, profiles and memory figures. */
  label: string;
  workerProcesses: number;
  /** Jobs per queue per worker process (WORKER_CONCURRENCY); the product's default when absent. */
  workerConcurrency?: number;
}

export interface StackRun<T> {
  result: T;
  /** Peak memory and CPU time of the API and each worker process, from start to the end of the scenario. */
  usages: ProcessUsage[];
}

/** Starts a fresh stack, runs `scenario` against it, stops every process; returns the result and what each process used. */
export async function withStack<T>(
  options: BenchOptions,
  stackOptions: StackOptions,
  scenario: (client: HandinClient, workers: WatchedProcess[]) => Promise<T>,
): Promise<StackRun<T>> {
  const processes: WatchedProcess[] = [];
  try {
    const env = await prepare(options, stackOptions);
    const token = lastLine(await run(process.execPath, [dist(options, 'cli.js'), 'users:create', '--email', 'lead@bench.handin', '--role', 'admin'], env));
    const client = new HandinClient(`http://127.0.0.1:${options.port}`, token, CAMPAIGN_SLUG);

    processes.push(start(options, stackOptions, 'api', 'main.js', env));
    await waitFor('the API', processes, () => client.ready());
    for (let i = 1; i <= stackOptions.workerProcesses; i++) {
      const name = stackOptions.workerProcesses === 1 ? 'worker' : `worker-${i}`;
      processes.push(start(options, stackOptions, name, 'worker.js', env));
    }
    await waitFor('the workers', processes, async () => (await workerCount(options)) === stackOptions.workerProcesses);

    const result = await scenario(client, processes.slice(1));
    return { result, usages: await stopAll(processes) };
  } finally {
    await stopAll(processes);
  }
}

/** Empties the bench's database, Redis keys and file store, migrates and imports the campaign. */
async function prepare(options: BenchOptions, stackOptions: StackOptions): Promise<NodeJS.ProcessEnv> {
  progress(`${stackOptions.label}: fresh database, Redis keys and file store`);
  await sql(options.databaseUrl, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await checkpoint(options.databaseUrl);
  await deleteRedisKeys(options.redisUrl, options.redisPrefix);
  const storageDir = join(options.workDir, 'store');
  await rm(storageDir, { recursive: true, force: true });
  await mkdir(join(options.workDir, 'logs'), { recursive: true });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    STORAGE_DIR: storageDir,
    HANDIN_HMAC_SECRET: HMAC_SECRET,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    WORKERS_IN_API: 'false',
    // The hourly recount must not land inside a timed window.
    RECONCILE_EVERY_MS: '0',
    FILE_SWEEP_EVERY_MS: '0',
    // The benchmark's load comes from one address.
    RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
    ...(stackOptions.workerConcurrency ? { WORKER_CONCURRENCY: String(stackOptions.workerConcurrency) } : {}),
  };
  await run(process.execPath, [dist(options, 'database/migrate.js')], env);
  await run(process.execPath, [dist(options, 'cli.js'), 'campaign:import', join(options.root, CAMPAIGN_FILE)], env);
  return env;
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    await redis.quit();
  }
}

function start(options: BenchOptions, stackOptions: StackOptions, name: string, script: string, env: NodeJS.ProcessEnv): WatchedProcess {
  const label = `${stackOptions.label}-${name}`;
  const profiling = options.cpuProfile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(options.workDir, 'profiles')}`, `--cpu-prof-name=${label}.cpuprofile`, '--require', join(__dirname, 'exit-on-sigterm.js')]
    : [];
  return new WatchedProcess(name, process.execPath, [...profiling, dist(options, script)], env, join(options.workDir, 'logs', `${label}.log`));
}

/** Worker processes connected to the parse queue (each runs one BullMQ worker per queue). */
async function workerCount(options: BenchOptions): Promise<number> {
  // The queue prefix the app uses (QueueModule, WorkersService): `${REDIS_PREFIX}:bull`.
  const queue = new Queue('parse', { connection: redisConnectionOptions(options.redisUrl), prefix: `${options.redisPrefix}:bull` });
  try {
    return await queue.getWorkersCount();
  } finally {
    await queue.close();
  }
}

async function waitFor(what: string, processes: WatchedProcess[], ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ready().catch(() => false))) {
    const dead = processes.find((p) => !p.running);
    if (dead) throw new Error(`${dead.name} stopped (${dead.exitReason}) while waiting for ${what}; see ${dead.logFile}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
}

/** Stops the workers, then the API; a second call does nothing. Returns the usages in order of start. */
async function stopAll(processes: WatchedProcess[]): Promise<ProcessUsage[]> {
  const stopping = processes.splice(0);
  const usages: ProcessUsage[] = [];
  for (const p of [...stopping].reverse()) usages.unshift(await p.stop());
  return usages;
}

function dist(options: BenchOptions, script: string): string {
  return join(options.root, 'dist', 'src', script);
}

function lastLine(output: string): string {
  return output.trim().split('\n').pop()!.trim();
}
