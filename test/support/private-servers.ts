import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../bench/processes';

const SERVICES = join(__dirname, '..', '..', 'scripts', 'services.sh');

/** What scripts/faults.sh tells the fault suite about its servers (FAULTS_DATA, FAULTS_DATABASE_URL, …). */
export function faultsSetting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the fault suite with \`npm run test:faults\`, which starts its own PostgreSQL and Redis`);
  return value;
}

/**
 * Stops one of the fault suite's own servers (PostgreSQL with `pg_ctl stop -m fast`, which ends every session;
 * Redis with SHUTDOWN, which writes its AOF), keeps it down for `downMs`, and starts it again, through
 * scripts/services.sh as faults.sh started it. Never the servers `npm test` or anyone else uses.
 */
export async function restartServer(server: 'postgres' | 'redis', downMs: number): Promise<void> {
  const own = ['--data', faultsSetting('FAULTS_DATA'), '--pg-port', faultsSetting('FAULTS_PG_PORT'), '--redis-port', faultsSetting('FAULTS_REDIS_PORT')];
  await run('bash', [SERVICES, 'stop', server, ...own], process.env);
  await sleep(downMs);
  await run('bash', [SERVICES, 'env', '--database', 'postgres', ...own], process.env);
}
