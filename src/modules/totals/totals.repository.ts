import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CountCell, FrozenCells, TallyCell } from './breakdown';

// Advisory lock namespace for "publishing one campaign's totals".
const PUBLISH_LOCK_NAMESPACE = 727_100_003;

/** Reads the (small) counter cells and tallies; never counts the signer table. */
@Injectable()
export class TotalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `publish` while no other process publishes the same campaign's totals. Every refresh is queued after
   * the change it reports, so when refreshes take turns the last one to write has seen every change: an older
   * snapshot can never overwrite a newer one.
   */
  withPublishLock<T>(campaignId: number, publish: () => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [PUBLISH_LOCK_NAMESPACE, campaignId]);
      return publish();
    });
  }

  countCells(campaignId: number, sectionCode?: string): Promise<CountCell[]> {
    return this.dataSource.query(
      `SELECT s.code AS section, c.country, c.delivery_point_code AS "deliveryPoint", to_char(c.day, 'YYYY-MM-DD') AS day, c.count
         FROM signer_counts c JOIN sections s ON s.id = c.section_id
        WHERE c.campaign_id = $1 AND c.count <> 0 AND ($2::text IS NULL OR s.code = $2)`,
      [campaignId, sectionCode ?? null],
    );
  }

  tallies(campaignId: number, sectionCode?: string): Promise<TallyCell[]> {
    return this.dataSource.query(
      `SELECT s.code AS section, b.tally_country AS country, b.tally_delivery_point_code AS "deliveryPoint", sum(b.tally_count)::int AS count
         FROM batches b JOIN sections s ON s.id = b.section_id
        WHERE b.campaign_id = $1 AND b.kind = 'tally' AND b.status <> 'retracted' AND b.committed_at IS NOT NULL
          AND ($2::text IS NULL OR s.code = $2)
        GROUP BY s.code, b.tally_country, b.tally_delivery_point_code`,
      [campaignId, sectionCode ?? null],
    );
  }

  /** The cells copied by the last freeze, or null when the campaign is not frozen. */
  async frozenCells(campaignId: number): Promise<FrozenCells | null> {
    const [row] = await this.dataSource.query('SELECT frozen_cells AS cells FROM campaigns WHERE id = $1', [campaignId]);
    return row?.cells ?? null;
  }

  /** When the counted signatures last changed: the latest commit or retraction. */
  async lastChange(campaignId: number): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      `SELECT max(greatest(committed_at, retracted_at)) AS at FROM batches WHERE campaign_id = $1`,
      [campaignId],
    );
    return row?.at ?? null;
  }
}
