import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchOptions } from './options';

/** What the figures were measured on; the README quotes figures with this. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  /** Server settings that move ingest figures most. */
  postgresSettings: Record<string, string>;
  redis: string;
  /** The code measured: commit, with "+changes" when the work tree differed from it. */
  commit: string;
  /** 1-minute load average before the run: anything else busy on the machine skews every figure. */
  loadAverageAtStart: number;
}

const POSTGRES_SETTINGS = ['shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'synchronous_commit', 'max_parallel_workers_per_gather'];

export async function describeMachine(options: BenchOptions): Promise<MachineInfo> {
  const [postgres, postgresSettings] = await postgresInfo(options.databaseUrl);
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    postgres,
    postgresSettings,
    redis: await redisVersion(options.redisUrl),
    commit: gitCommit(options.root),
    loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

async function postgresInfo(databaseUrl: string): Promise<[string, Record<string, string>]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
    const { rows } = await client.query('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [POSTGRES_SETTINGS]);
    return [version, Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} × ${r.unit}` : r.setting]))];
  } finally {
    await client.end();
  }
}

async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl);
  try {
    return /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } finally {
    await redis.quit();
  }
}

function gitCommit(root: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return changed ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}
