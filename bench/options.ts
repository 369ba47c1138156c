import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [--rows N] [--pack-rows N] [--duration S] [--connections C] [--only NAME,...] [--cpu-prof]
  --rows N          rows of the large ingest (default 1000000, about 85 MB); the scale-out uploads two files of N/4
  --pack-rows N     signatures in the measured hand-in pack (default 100000)
  --duration S      seconds of each HTTP load run (default 20)
  --connections C   concurrent HTTP connections of each load run (default 100)
  --only NAME,...   run only these measurements (default: all)
  --cpu-prof        write V8 CPU profiles of the API, worker and pack processes to .data/bench/profiles`;

export interface BenchOptions {
  rows: number;
  packRows: number;
  durationSeconds: number;
  connections: number;
  only: string[] | null;
  cpuProfile: boolean;
  /** The project's root: the compiled app is in dist/, demo/campaign.json beside it. */
  root: string;
  /** Generated files, the file store, logs and profiles of this run (under .data/, which git ignores). */
  workDir: string;
  /** Database and Redis found by scripts/services.sh; the bench owns this database and this key prefix. */
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  port: number;
}

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      'pack-rows': { type: 'string', default: '100000' },
      duration: { type: 'string', default: '20' },
      connections: { type: 'string', default: '100' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const root = resolve(__dirname, '..', '..');
  return {
    rows: wholeNumber('--rows', values.rows, 1000),
    packRows: wholeNumber('--pack-rows', values['pack-rows'], 1),
    durationSeconds: wholeNumber('--duration', values.duration, 1),
    connections: wholeNumber('--connections', values.connections, 1),
    only: values.only ? values.only.split(',').map((name) => name.trim()) : null,
    cpuProfile: values['cpu-prof'],
    root,
    workDir: join(root, '.data', 'bench'),
    databaseUrl: required(env, 'DATABASE_URL'),
    redisUrl: required(env, 'REDIS_URL'),
    redisPrefix: env.BENCH_REDIS_PREFIX || 'handin-bench',
    port: wholeNumber('BENCH_PORT', env.BENCH_PORT ?? '3900', 1),
  };
}

function wholeNumber(name: string, raw: string, min: number): number {
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: run the bench with \`npm run bench\`, which finds PostgreSQL and Redis`);
  return value;
}
