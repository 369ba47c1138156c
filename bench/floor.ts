/**
 * The raw floor of an ingest on this machine: PostgreSQL alone, with no parsing, validation or hashing in
 * Node. psql's \copy streams the CSV into an unlogged table, then one INSERT … SELECT … ON CONFLICT DO NOTHING
 * moves the rows into a table with a unique index on a crude dedupe key (trimmed, lower-cased e-mail, else
 * name|country|place). Handin's ingest is judged against the sum of the two.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ProcessUsage } from './measurement';
import { BenchOptions } from './options';
import { checkpoint, sql } from './postgres';
import { ProcessMonitor } from './processes';

export interface FloorTiming {
  /** psql \copy of the file into the unlogged table. */
  copySeconds: number;
  /** INSERT … SELECT … ON CONFLICT DO NOTHING into the indexed table. */
  insertSeconds: number;
  seconds: number;
  rowsCopied: number;
  rowsKept: number;
  usages: ProcessUsage[];
}

const CREATE_TABLES = `
  DROP TABLE IF EXISTS bench_floor_rows, bench_floor_signers;
  CREATE UNLOGGED TABLE bench_floor_rows (
    first_name text, last_name text, email text, country text, region text, postcode text, city text, signed_at text, consent text);
  CREATE TABLE bench_floor_signers (
    dedupe_key text CONSTRAINT pk_bench_floor_signers PRIMARY KEY,
    display_name text NOT NULL, country text, city text, signed_at timestamptz);`;

const INSERT_SIGNERS = `
  INSERT INTO bench_floor_signers (dedupe_key, display_name, country, city, signed_at)
  SELECT coalesce(lower(btrim(email)), lower(concat_ws(' ', first_name, last_name)) || '|' || coalesce(country, '') || '|' || coalesce(postcode, city, '')),
         concat_ws(' ', first_name, last_name), country, city, signed_at::timestamptz
    FROM bench_floor_rows
  ON CONFLICT DO NOTHING`;

export async function measureFloor(options: BenchOptions, csvPath: string): Promise<FloorTiming> {
  await sql(options.databaseUrl, CREATE_TABLES);
  await checkpoint(options.databaseUrl);
  try {
    // psql's \copy takes the rest of its line literally, so the path must not need quoting.
    if (/['\s]/.test(csvPath)) throw new Error(`the floor needs a data path without quotes or spaces: ${csvPath}`);
    const copy = await psql(options, 'psql-copy', `\\copy bench_floor_rows FROM '${csvPath}' WITH (FORMAT csv, HEADER true)`);
    const insert = await psql(options, 'psql-insert', INSERT_SIGNERS);
    const [counts] = await sql(options.databaseUrl, `SELECT (SELECT count(*) FROM bench_floor_rows)::int AS copied, (SELECT count(*) FROM bench_floor_signers)::int AS kept`);
    return {
      copySeconds: copy.seconds,
      insertSeconds: insert.seconds,
      seconds: Math.round((copy.seconds + insert.seconds) * 1000) / 1000,
      rowsCopied: counts.copied as number,
      rowsKept: counts.kept as number,
      usages: [copy.usage, insert.usage],
    };
  } finally {
    await sql(options.databaseUrl, 'DROP TABLE IF EXISTS bench_floor_rows, bench_floor_signers');
  }
}

/** One psql command, timed from start to exit, its memory and CPU time followed. */
async function psql(options: BenchOptions, name: string, command: string): Promise<{ seconds: number; usage: ProcessUsage }> {
  const startedAt = performance.now();
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', options.databaseUrl, '-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit'); // rejects if psql cannot be started at all
  const monitor = new ProcessMonitor(name, child.pid ?? 0);
  try {
    const [code] = await exited;
    if (code !== 0) throw new Error(`psql failed (exit ${code}): ${stderr}`);
    return { seconds: Math.round(performance.now() - startedAt) / 1000, usage: monitor.finish() };
  } finally {
    monitor.finish();
  }
}
