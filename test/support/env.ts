/**
 * Where the tests find Postgres and Redis: `npm test` (scripts/test.sh) exports them after finding or starting
 * the servers. Tests never touch the demo's database or Redis keys: every test file gets its own database
 * (cloned from a migrated template) and its own Redis key prefix.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DATABASE = 'handin_test_template';

/** The URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
