import { Injectable } from '@nestjs/common';
import { Writable } from 'node:stream';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';

/** The COPY target; the column order matches RowStream.copyLine. */
const COPY_SIGNATURES_SQL =
  'COPY signatures (batch_id, row_number, campaign_id, signer_key, display_name, city, region, country, signed_at, consent, delivery_point_code, external_id) FROM STDIN';

/** Data rows (after, upTo] of a batch's file; a null `upTo`: to the end of the file. */
export interface RowRange {
  after: number;
  upTo: number | null;
}

/**
 * Owns `signatures`, the parsed rows of every batch (one row per accepted data row, keyed by batch and row
 * number). Rows get here only through `replaceRows` and leave only through `deleteBatch`; they count once the
 * dedupe stage commits their batch into `signers` (SignersRepository), never before.
 */
@Injectable()
export class SignaturesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Replaces one range of a batch's rows with the COPY text lines that `write` sends into the stream it is
   * given, in one transaction. `beforeCommit` runs last, in the same transaction: it returns false to roll
   * everything back instead. Anything that throws rolls back too.
   *
   * Invariant: a range holds the rows of exactly one complete read of its part of the file. The delete clears
   * whatever an earlier, interrupted attempt left of this range (and only this range: other chunks of the same
   * batch may be committing beside it), so a retried chunk can neither duplicate nor half-write rows.
   */
  async replaceRows(batchId: string, range: RowRange, write: (copy: Writable) => Promise<void>, beforeCommit: (tx: EntityManager) => Promise<boolean>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    await runner.startTransaction();
    try {
      await runner.query('DELETE FROM signatures WHERE batch_id = $1 AND row_number > $2 AND ($3::int IS NULL OR row_number <= $3)', [batchId, range.after, range.upTo]);
      await write(client.query(copyFrom(COPY_SIGNATURES_SQL)));
      if (!(await beforeCommit(runner.manager))) {
        await runner.rollbackTransaction();
        return false;
      }
      await runner.commitTransaction();
      return true;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Purge: deletes every accepted row of a campaign (names, cities, regions, external ids, keys). The counts live
   * on in `signers` and `signer_counts`; nothing reads a purged campaign's rows again (it takes no more batches).
   */
  async deleteCampaign(tx: EntityManager, campaignId: number): Promise<number> {
    const [, affected] = await tx.query('DELETE FROM signatures WHERE campaign_id = $1', [campaignId]);
    return affected;
  }

  countCampaign(campaignId: number, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return manager.query('SELECT count(*)::int AS n FROM signatures WHERE campaign_id = $1', [campaignId]).then(([row]) => row.n);
  }

  /** Where one person's rows are, in every batch of the campaign, by upload order (batch seq) and row. */
  ofSigner(tx: EntityManager, campaignId: number, signerKey: Buffer): Promise<{ batchId: string; batchSeq: string; rowNumber: number }[]> {
    return tx.query(
      `SELECT s.batch_id AS "batchId", b.seq AS "batchSeq", s.row_number AS "rowNumber"
         FROM signatures s JOIN batches b ON b.id = s.batch_id
        WHERE s.campaign_id = $1 AND s.signer_key = $2 ORDER BY b.seq, s.row_number`,
      [campaignId, signerKey],
    );
  }

  /** Erasure: deletes one person's rows in every batch of the campaign. */
  async deleteSigner(tx: EntityManager, campaignId: number, signerKey: Buffer): Promise<number> {
    const [, affected] = await tx.query('DELETE FROM signatures WHERE campaign_id = $1 AND signer_key = $2', [campaignId, signerKey]);
    return affected;
  }

  /**
   * Deletes every row of a batch, in the caller's transaction (the one that marks it failed or retracted).
   * Invariant: a batch that does not count keeps no personal data; its rows are never read again.
   */
  async deleteBatch(tx: EntityManager, batchId: string): Promise<void> {
    await tx.query('DELETE FROM signatures WHERE batch_id = $1', [batchId]);
  }
}
