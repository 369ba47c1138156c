/**
 * Where the tests find Postgres and Redis: `npm test` (scripts/test.sh) exports them after finding or starting
 * the servers. Tests never touch the demo's database or Redis keys: every test file gets its own database
 * (cloned from a migrated template) and its own Redis key prefix.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Test databases are named `handin_test_<unix seconds>_<kind><id>`, so that two test runs on one server can
 * overlap: each run has its own template, and a run only clears databases old enough to be a crashed run's.
 */
export const TEST_DATABASE_PREFIX = 'handin_test_';
export const STALE_TEST_DATABASE_SECONDS = 6 * 3600;

export function testDatabaseName(kind: 'template' | 'file', id: string): string {
  return `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${kind === 'template' ? 't' : 'f'}${id}`;
}

/** The template of this run: global setup creates it and passes its name to the test files in the environment. */
export function templateDatabase(): string {
  const name = process.env.HANDIN_TEST_TEMPLATE;
  if (!name) throw new Error('HANDIN_TEST_TEMPLATE is not set: run the integration tests through jest, whose global setup creates the template.');
  return name;
}

/** The URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
