import { Client } from 'pg';

/** Runs one SQL text (several statements allowed when there are no parameters) on a connection of its own. */
export async function sql(databaseUrl: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Writes out every dirty buffer, so that a timed scenario does not pay for the previous one's writes in a
 * checkpoint that happens to fall inside it. Needs a superuser or pg_checkpoint; without, figures are only noisier.
 */
export async function checkpoint(databaseUrl: string): Promise<void> {
  try {
    await sql(databaseUrl, 'CHECKPOINT');
  } catch (error) {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
  }
}
