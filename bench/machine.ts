import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { BenchOptions } from './options';
import { sql } from './postgres';

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
  /** Share of all CPUs busy in the seconds before the run: anything else running skews every figure. */
  cpuBusyPercentAtStart: number;
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
    cpuBusyPercentAtStart: await cpuBusyPercent(2000),
  };
}

async function postgresInfo(databaseUrl: string): Promise<[string, Record<string, string>]> {
  const [{ server_version: version }] = await sql(databaseUrl, 'SHOW server_version');
  const settings = await sql(databaseUrl, 'SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name', [POSTGRES_SETTINGS]);
  return [version as string, Object.fromEntries(settings.map((s) => [s.name, s.value]))];
}

async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl);
  try {
    return /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } finally {
    await redis.quit();
  }
}

/** How busy the whole machine is over `ms`, from the CPU counters in /proc/stat. */
async function cpuBusyPercent(ms: number): Promise<number> {
  const before = cpuTimes();
  await sleep(ms);
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? Math.round((100 * (total - (after.idle - before.idle))) / total) : 0;
}

function cpuTimes(): { total: number; idle: number } {
  // "cpu  user nice system idle iowait irq softirq steal …", in clock ticks since boot
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
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
