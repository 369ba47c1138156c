import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { createDataSource } from './data-source';

// Any number of API and worker processes may start at once; only one may migrate at a time.
const MIGRATION_LOCK = 727_100_001;

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

async function main(): Promise<void> {
  const { databaseUrl } = loadConfig();
  const dataSource = await createDataSource(databaseUrl).initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
