import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Owns the frozen copy of a campaign's signers, tallies and counter cells (see the AddPacksAndFreeze migration). */
@Injectable()
export class FreezeRepository {
  /**
   * Purge: the frozen copy keeps one row per frozen signer (the frozen packs' and totals' counts) but no name or
   * city; without consent nothing would print for it anyway.
   */
  async blankSigners(tx: EntityManager, campaignId: number): Promise<number> {
    const [, affected] = await tx.query(
      `UPDATE frozen_signers SET display_name = '', city = NULL, consent = false WHERE campaign_id = $1 AND (display_name <> '' OR city IS NOT NULL)`,
      [campaignId],
    );
    return affected;
  }

  countSigners(campaignId: number, manager: EntityManager): Promise<number> {
    return manager.query('SELECT count(*)::int AS n FROM frozen_signers WHERE campaign_id = $1', [campaignId]).then(([row]) => row.n);
  }

  /**
   * Erasure: removes one person from the frozen copy (the row at one of their signatures' positions) and takes
   * them out of the frozen counter cell they were in, so frozen packs and frozen totals keep showing the same
   * numbers. Returns how many frozen rows went (0 or 1).
   */
  async removeSigner(tx: EntityManager, campaignId: number, timezone: string, positions: { batchSeq: string; rowNumber: number }[]): Promise<number> {
    if (positions.length === 0) return 0;
    // A DELETE … RETURNING answers [rows, affected].
    const [gone]: [{ section: string; country: string; delivery_point_code: string; day: string }[], number] = await tx.query(
      `DELETE FROM frozen_signers f USING unnest($2::bigint[], $3::int[]) AS p(batch_seq, row_number), sections s
        WHERE f.campaign_id = $1 AND f.batch_seq = p.batch_seq AND f.row_number = p.row_number AND s.id = f.section_id
       RETURNING s.code AS section, f.country, f.delivery_point_code, to_char((f.signed_at AT TIME ZONE $4)::date, 'YYYY-MM-DD') AS day`,
      [campaignId, positions.map((p) => p.batchSeq), positions.map((p) => p.rowNumber), timezone],
    );
    for (const cell of gone) {
      await tx.query(
        `UPDATE campaigns SET frozen_cells = jsonb_set(frozen_cells, '{cells}', (
           SELECT coalesce(jsonb_agg(CASE WHEN e->>'section' = $2 AND e->>'country' = $3 AND e->>'deliveryPoint' = $4 AND e->>'day' = $5
                                          THEN jsonb_set(e, '{count}', to_jsonb((e->>'count')::int - 1)) ELSE e END), '[]')
             FROM jsonb_array_elements(frozen_cells->'cells') e))
          WHERE id = $1 AND frozen_cells IS NOT NULL`,
        [campaignId, cell.section, cell.country, cell.delivery_point_code, cell.day],
      );
    }
    return gone.length;
  }

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
