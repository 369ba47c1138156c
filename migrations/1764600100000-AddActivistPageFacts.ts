import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an activist's page shows: the number of countries a pack's signers come from (as on its cover), and the
 * UTC offset the campaign lead wrote a hand-in time with, so it is shown in the host's time, not converted.
 */
export class AddActivistPageFacts1764600100000 implements MigrationInterface {
  name = 'AddActivistPageFacts1764600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE packs ADD COLUMN countries integer`);
    await q.query(`ALTER TABLE delivery_points ADD COLUMN hand_in_offset text CONSTRAINT ck_delivery_points_hand_in_offset CHECK (hand_in_offset ~ '^[+-][0-9]{2}:[0-9]{2}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_points DROP COLUMN hand_in_offset`);
    await q.query(`ALTER TABLE packs DROP COLUMN countries`);
  }
}
