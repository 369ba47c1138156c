import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import { databaseUrl, STALE_TEST_DATABASE_SECONDS, TEST_DATABASE_PREFIX, TEST_SERVER_URL, testDatabaseName } from './env';

/** Migrates once into a template database for this run; each test file clones it (fast, and nothing is shared). */
export default async function globalSetup(): Promise<void> {
  if (process.env.HANDIN_TEST_TEMPLATE) return; // the integration and e2e tiers share one template
  const template = testDatabaseName('template', randomBytes(3).toString('hex'));
  const admin = new Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await dropStaleTestDatabases(admin);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const dataSource = await createDataSource(databaseUrl(template)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env.HANDIN_TEST_TEMPLATE = template; // the test workers inherit it; global teardown drops it
}

/** Databases left by runs that crashed before cleaning up; younger ones may belong to a run still going. */
async function dropStaleTestDatabases(admin: Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${TEST_DATABASE_PREFIX}%`]);
  const now = Date.now() / 1000;
  for (const { datname } of rows) {
    const createdAt = Number(/^handin_test_(\d+)_/.exec(datname)?.[1] ?? 0); // 0: an older naming scheme
    if (now - createdAt > STALE_TEST_DATABASE_SECONDS) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}
