import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A batch that failed because a stage gave up (infrastructure) can be retried by an admin, so it keeps its uploaded
 * file for RETRY_WINDOW_HOURS; one that failed because of its file (content) loses it at once, as before.
 * `failure_kind` records which it was, and is set exactly when the batch is failed. `attempt` counts the runs of a
 * batch's stages: a retry is a new run, whose job ids carry its number, so the failed run's jobs keep theirs.
 * The partial index serves the recovery sweep, which looks at the batches that have not ended yet.
 */
export class AddBatchRetry1764600600000 implements MigrationInterface {
  name = 'AddBatchRetry1764600600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE batches
        ADD COLUMN failure_kind text CONSTRAINT ck_batches_failure_kind CHECK (failure_kind IN ('content', 'infrastructure')),
        ADD COLUMN attempt integer NOT NULL DEFAULT 1 CONSTRAINT ck_batches_attempt CHECK (attempt >= 1)`);
    // Batches that failed before: their files went at once, as a content failure's do now.
    await q.query(`UPDATE batches SET failure_kind = 'content' WHERE status = 'failed'`);
    await q.query(`ALTER TABLE batches ADD CONSTRAINT ck_batches_failure_kind_when_failed CHECK ((status = 'failed') = (failure_kind IS NOT NULL))`);
    await q.query(`CREATE INDEX ix_batches_unfinished ON batches (created_at) WHERE status IN ('queued', 'parsing', 'deduplicating', 'aggregating')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_batches_unfinished`);
    await q.query(`ALTER TABLE batches DROP CONSTRAINT ck_batches_failure_kind_when_failed`);
    await q.query(`ALTER TABLE batches DROP COLUMN attempt, DROP COLUMN failure_kind`);
  }
}
