import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface DuplicateRow {
  row: number;
  matchedBatch: string;
  matchedSection: string;
  matchedRow: number;
  sameBatch: boolean;
}

/** Explains duplicates: which signature counts instead of each row of a batch that does not count itself. */
@Injectable()
export class DuplicatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  forBatch(batchId: string): Promise<DuplicateRow[]> {
    return this.dataSource.query(
      `SELECT s.row_number AS row, g.batch_id AS "matchedBatch", sec.code AS "matchedSection", g.row_number AS "matchedRow",
              g.batch_id = s.batch_id AS "sameBatch"
         FROM signatures s
         JOIN signers g ON g.campaign_id = s.campaign_id AND g.signer_key = s.signer_key
         JOIN batches b ON b.id = g.batch_id
         JOIN sections sec ON sec.id = b.section_id
        WHERE s.batch_id = $1 AND NOT (g.batch_id = s.batch_id AND g.row_number = s.row_number)
        ORDER BY s.row_number`,
      [batchId],
    );
  }
}
