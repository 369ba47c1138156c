import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded files and rejection reports hold personal data (raw e-mail addresses, names), so they are deleted
 * once their batch has ended and its retention period passed. `ended_at` is when a batch reached done, failed or
 * retracted; the two `…_deleted_at` columns record that its files are gone, so the sweep does each once.
 */
export class AddBatchFileRetention1764600200000 implements MigrationInterface {
  name = 'AddBatchFileRetention1764600200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE batches ADD COLUMN ended_at timestamptz, ADD COLUMN source_deleted_at timestamptz, ADD COLUMN reports_deleted_at timestamptz`);
    // Batches that ended before this migration: their end is the best time known.
    await q.query(`UPDATE batches SET ended_at = coalesce(retracted_at, committed_at, created_at) WHERE status IN ('done', 'failed', 'retracted')`);
    await q.query(`CREATE INDEX ix_batches_files_to_delete ON batches (ended_at) WHERE source_deleted_at IS NULL OR reports_deleted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_batches_files_to_delete`);
    await q.query(`ALTER TABLE batches DROP COLUMN reports_deleted_at, DROP COLUMN source_deleted_at, DROP COLUMN ended_at`);
  }
}
