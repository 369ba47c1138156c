import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A finished campaign's personal data can be purged (names, cities, keys, files), keeping every count. `purged_at`
 * records that it was: a purged campaign is finished, so uploads, tallies, retractions, freezes and packs refuse it.
 */
export class AddCampaignPurge1764600300000 implements MigrationInterface {
  name = 'AddCampaignPurge1764600300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN purged_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN purged_at`);
  }
}
