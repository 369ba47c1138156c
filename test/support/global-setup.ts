import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import { databaseUrl, TEMPLATE_DATABASE, TEST_SERVER_URL } from './env';

/** Migrates once into a template database; each test file clones it (fast, and nothing is shared). */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    // Databases of test files that crashed before cleaning up. (So: one test run at a time per server.)
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'handin_test_f%'`);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const dataSource = await createDataSource(databaseUrl(TEMPLATE_DATABASE)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
