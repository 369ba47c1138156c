import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

// Advisory lock namespace for "changes to one campaign's signers and counters".
const CAMPAIGN_LOCK_NAMESPACE = 727_100_002;

export interface CommitTarget {
  batchId: string;
  batchSeq: string;
  campaignId: number;
  sectionId: number;
  timezone: string;
}

export interface CommitCounts {
  distinctKeys: number;
  existing: number;
}

/**
 * Owns `signers` and `signer_counts`. Every method runs inside a transaction of `inCampaignLock`, so no two commits or retractions of one campaign interleave: each sees the signers exactly as
 * the previous one left them, and the counters move by exact deltas.
 *
 * Canonical signature of a signer (docs/design.md "Dedupe keys"): the earliest signed_at among committed,
 * non-retracted rows; ties go to the earlier batch (upload order, `batches.seq`), then the lower row number.
 * All statements compare the tuple (signed_at, batch_seq, row_number) for that.
 */
@Injectable()
export class SignersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `work` in one transaction that holds the campaign's lock for changes to its signers and counters
   * (taken first, before any row lock, so that every writer takes the locks in the same order).
   */
  inCampaignLock<T>(campaignId: number, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [CAMPAIGN_LOCK_NAMESPACE, campaignId]);
      return work(tx);
    });
  }

  /** Adds a parsed batch's rows to the signers; returns what the batch counters need. */
  async commitBatch(tx: EntityManager, t: CommitTarget): Promise<CommitCounts> {
    // Sorting a million-row batch by key spills to disk at the default 4 MB (measured: 2 s of 14 s at 1M rows).
    await tx.query(`SET LOCAL work_mem = '64MB'`);
    // One candidate per key: the batch's own earliest row for that person.
    await tx.query(
      `CREATE TEMP TABLE commit_candidates ON COMMIT DROP AS
         SELECT DISTINCT ON (signer_key) signer_key, row_number, signed_at, country, delivery_point_code
         FROM signatures WHERE batch_id = $1
         ORDER BY signer_key, signed_at, row_number`,
      [t.batchId],
    );
    await tx.query('ANALYZE commit_candidates');

    const [counts] = await tx.query(
      `SELECT count(*)::int AS "distinctKeys", count(g.signer_key)::int AS existing
         FROM commit_candidates c
         LEFT JOIN signers g ON g.campaign_id = $1 AND g.signer_key = c.signer_key`,
      [t.campaignId],
    );

    // Counter deltas before the signers change: +1 where a candidate becomes canonical, -1 for the
    // attribution it replaces. Same condition as the upsert below.
    await tx.query(
      `WITH changes AS (
         SELECT c.country, c.delivery_point_code, (c.signed_at AT TIME ZONE $4)::date AS day,
                g.signer_key IS NULL AS is_new, g.section_id AS old_section_id, g.country AS old_country,
                g.delivery_point_code AS old_delivery_point_code, g.day AS old_day
           FROM commit_candidates c
           LEFT JOIN signers g ON g.campaign_id = $1 AND g.signer_key = c.signer_key
          WHERE g.signer_key IS NULL OR (c.signed_at, $2::bigint, c.row_number) < (g.signed_at, g.batch_seq, g.row_number)
       ), deltas AS (
         SELECT $3::int AS section_id, country, delivery_point_code, day, 1 AS delta FROM changes
         UNION ALL
         SELECT old_section_id, old_country, old_delivery_point_code, old_day, -1 FROM changes WHERE NOT is_new
       )
       ${ADD_DELTAS_SQL}`,
      [t.campaignId, t.batchSeq, t.sectionId, t.timezone],
    );

    await tx.query(
      `INSERT INTO signers (campaign_id, signer_key, batch_id, batch_seq, row_number, signed_at, section_id, country, delivery_point_code, day)
       SELECT $1, signer_key, $2, $3, row_number, signed_at, $4, country, delivery_point_code, (signed_at AT TIME ZONE $5)::date
         FROM commit_candidates
       ON CONFLICT ON CONSTRAINT pk_signers DO UPDATE SET
         batch_id = EXCLUDED.batch_id, batch_seq = EXCLUDED.batch_seq, row_number = EXCLUDED.row_number,
         signed_at = EXCLUDED.signed_at, section_id = EXCLUDED.section_id, country = EXCLUDED.country,
         delivery_point_code = EXCLUDED.delivery_point_code, day = EXCLUDED.day
       WHERE (EXCLUDED.signed_at, EXCLUDED.batch_seq, EXCLUDED.row_number) < (signers.signed_at, signers.batch_seq, signers.row_number)`,
      [t.campaignId, t.batchId, t.batchSeq, t.sectionId, t.timezone],
    );
    return counts;
  }

  /**
   * Takes a committed batch out of the signers (invariant 4): each signer whose canonical signature was in it
   * falls back to its next-earliest committed signature elsewhere, or stops counting if there is none.
   */
  async retractBatch(tx: EntityManager, t: CommitTarget): Promise<void> {
    await tx.query(
      `CREATE TEMP TABLE retract_affected ON COMMIT DROP AS
         SELECT signer_key, section_id, country, delivery_point_code, day
           FROM signers WHERE campaign_id = $1 AND batch_id = $2`,
      [t.campaignId, t.batchId],
    );
    await tx.query(
      `CREATE TEMP TABLE retract_replacements ON COMMIT DROP AS
         SELECT DISTINCT ON (s.signer_key) s.signer_key, s.batch_id, b.seq AS batch_seq, s.row_number, s.signed_at,
                b.section_id, s.country, s.delivery_point_code, (s.signed_at AT TIME ZONE $3)::date AS day
           FROM retract_affected a
           JOIN signatures s ON s.campaign_id = $1 AND s.signer_key = a.signer_key
           JOIN batches b ON b.id = s.batch_id
          WHERE b.id <> $2 AND b.committed_at IS NOT NULL AND b.status <> 'retracted'
          ORDER BY s.signer_key, s.signed_at, b.seq, s.row_number`,
      [t.campaignId, t.batchId, t.timezone],
    );
    await tx.query(
      `WITH deltas AS (
         SELECT section_id, country, delivery_point_code, day, -1 AS delta FROM retract_affected
         UNION ALL
         SELECT section_id, country, delivery_point_code, day, 1 FROM retract_replacements
       )
       ${ADD_DELTAS_SQL}`,
      [t.campaignId],
    );
    await tx.query('DELETE FROM signers g USING retract_affected a WHERE g.campaign_id = $1 AND g.signer_key = a.signer_key', [t.campaignId]);
    await tx.query(
      `INSERT INTO signers (campaign_id, signer_key, batch_id, batch_seq, row_number, signed_at, section_id, country, delivery_point_code, day)
       SELECT $1, signer_key, batch_id, batch_seq, row_number, signed_at, section_id, country, delivery_point_code, day
         FROM retract_replacements`,
      [t.campaignId],
    );
  }

  /**
   * What retracting a batch would do, without doing it: how many signers count through it now, and how many of
   * those also signed in another counted batch (they will count there instead). Read-only, so no lock needed.
   */
  async retractionEffect(campaignId: number, batchId: string): Promise<{ counted: number; countedElsewhere: number }> {
    const [row] = await this.dataSource.query(
      `WITH mine AS (SELECT signer_key FROM signers WHERE campaign_id = $1 AND batch_id = $2),
            elsewhere AS (
              SELECT DISTINCT s.signer_key
                FROM signatures s
                JOIN mine m ON m.signer_key = s.signer_key
                JOIN batches b ON b.id = s.batch_id
               WHERE s.campaign_id = $1 AND b.id <> $2 AND b.committed_at IS NOT NULL AND b.status <> 'retracted')
       SELECT (SELECT count(*) FROM mine)::int AS counted, (SELECT count(*) FROM elsewhere)::int AS "countedElsewhere"`,
      [campaignId, batchId],
    );
    return row;
  }

  /**
   * Purge (docs/design.md "Signer safety"): every signer of the campaign keeps its row, and so its attribution cell
   * (section, country, delivery point, day) that the recount sums, but loses what could tie it to a person: the
   * keyed hash of its e-mail or name becomes random bytes, and its signing time becomes the start of its day.
   * Counters are not touched: `reconcile` finds the same cells before and after.
   */
  async anonymiseCampaign(tx: EntityManager, campaignId: number, timezone: string): Promise<number> {
    const [, affected] = await tx.query(
      `UPDATE signers SET signer_key = uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()),
              signed_at = (day::timestamp AT TIME ZONE $2)
        WHERE campaign_id = $1`,
      [campaignId, timezone],
    );
    return affected;
  }

  async countCampaign(campaignId: number, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = await manager.query('SELECT count(*)::int AS n FROM signers WHERE campaign_id = $1', [campaignId]);
    return row.n;
  }

  /**
   * Erasure of one person on request: the signer of this key stops counting. Its counter cell loses exactly one,
   * as a retraction does for a signer with no other signature (the caller deletes every signature of the key, so
   * none can take over). Returns the delivery point it counted for, or null when the key had no signer.
   */
  async eraseSigner(tx: EntityManager, campaignId: number, signerKey: Buffer): Promise<{ deliveryPointCode: string } | null> {
    const removed: { delivery_point_code: string }[] = await tx.query(
      `WITH gone AS (
         DELETE FROM signers WHERE campaign_id = $1 AND signer_key = $2
         RETURNING section_id, country, delivery_point_code, day
       ), deltas AS (SELECT section_id, country, delivery_point_code, day, -1 AS delta FROM gone),
       counted AS (${ADD_DELTAS_SQL} RETURNING 1)
       SELECT delivery_point_code FROM gone`,
      [campaignId, signerKey],
    );
    return removed[0] ? { deliveryPointCode: removed[0].delivery_point_code } : null;
  }

  /**
   * Full recount of the counters from the signers. Returns the cells that differed (before repairing them), so
   * a mismatch is visible in the logs instead of silently fixed.
   */
  async reconcile(tx: EntityManager, campaignId: number): Promise<{ cells: number; mismatched: number }> {
    const [result] = await tx.query(
      `WITH actual AS (
         SELECT section_id, country, delivery_point_code, day, count(*)::int AS count
           FROM signers WHERE campaign_id = $1 GROUP BY section_id, country, delivery_point_code, day
       ), stored AS (
         SELECT section_id, country, delivery_point_code, day, count FROM signer_counts WHERE campaign_id = $1 AND count <> 0
       )
       SELECT count(*)::int AS cells, count(*) FILTER (WHERE a.count IS DISTINCT FROM s.count)::int AS mismatched
         FROM actual a FULL JOIN stored s USING (section_id, country, delivery_point_code, day)`,
      [campaignId],
    );
    if (result.mismatched > 0) {
      await tx.query('DELETE FROM signer_counts WHERE campaign_id = $1', [campaignId]);
      await tx.query(
        `INSERT INTO signer_counts (campaign_id, section_id, country, delivery_point_code, day, count)
         SELECT $1, section_id, country, delivery_point_code, day, count(*)
           FROM signers WHERE campaign_id = $1 GROUP BY section_id, country, delivery_point_code, day`,
        [campaignId],
      );
    }
    return result;
  }
}

/** Applies a `deltas` CTE (section_id, country, delivery_point_code, day, delta) to the counters of campaign $1. */
const ADD_DELTAS_SQL = `
  INSERT INTO signer_counts (campaign_id, section_id, country, delivery_point_code, day, count)
  SELECT $1, section_id, country, delivery_point_code, day, sum(delta)
    FROM deltas GROUP BY section_id, country, delivery_point_code, day
  ON CONFLICT ON CONSTRAINT pk_signer_counts DO UPDATE SET count = signer_counts.count + EXCLUDED.count`;
