import { Client } from 'pg';
import { TEST_SERVER_URL, templateDatabase } from './env';

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase()} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
