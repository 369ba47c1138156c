import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Owns the frozen copy of a campaign's signers, tallies and counter cells (see the AddPacksAndFreeze migration). */
@Injectable()
export class FreezeRepository {
  /**
   * Replaces the campaign's frozen snapshot with its counted signers and tallies as they are now. Runs in the
   * caller's transaction under the campaign lock, so no batch commits or retracts half-way through.
   */
  async snapshot(tx: EntityManager, campaignId: number, at: Date): Promise<void> {
    await tx.query('DELETE FROM frozen_signers WHERE campaign_id = $1', [campaignId]);
    await tx.query('DELETE FROM frozen_tallies WHERE campaign_id = $1', [campaignId]);
    await tx.query(
      `INSERT INTO frozen_signers (campaign_id, delivery_point_code, section_id, country, signed_at, batch_seq, row_number, display_name, city, consent)
       SELECT g.campaign_id, g.delivery_point_code, g.section_id, g.country, g.signed_at, g.batch_seq, g.row_number, s.display_name, s.city, s.consent
         FROM signers g JOIN signatures s ON s.batch_id = g.batch_id AND s.row_number = g.row_number
        WHERE g.campaign_id = $1`,
      [campaignId],
    );
    await tx.query(
      `INSERT INTO frozen_tallies (campaign_id, section_id, country, delivery_point_code, count)
       SELECT campaign_id, section_id, tally_country, tally_delivery_point_code, tally_count
         FROM batches WHERE campaign_id = $1 AND kind = 'tally' AND status <> 'retracted' AND committed_at IS NOT NULL`,
      [campaignId],
    );
    // The frozen totals are the counter cells and tallies of this moment, in the shape buildTotals reads.
    await tx.query(
      `UPDATE campaigns SET frozen_at = $2, frozen_cells = jsonb_build_object(
         'cells', (SELECT coalesce(jsonb_agg(jsonb_build_object('section', s.code, 'country', c.country,
                          'deliveryPoint', c.delivery_point_code, 'day', to_char(c.day, 'YYYY-MM-DD'), 'count', c.count)), '[]')
                     FROM signer_counts c JOIN sections s ON s.id = c.section_id WHERE c.campaign_id = $1 AND c.count <> 0),
         'tallies', (SELECT coalesce(jsonb_agg(jsonb_build_object('section', s.code, 'country', t.country,
                          'deliveryPoint', t.delivery_point_code, 'count', t.count)), '[]')
                     FROM frozen_tallies t JOIN sections s ON s.id = t.section_id WHERE t.campaign_id = $1))
       WHERE id = $1`,
      [campaignId, at],
    );
  }
}
