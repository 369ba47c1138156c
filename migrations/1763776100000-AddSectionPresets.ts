import { MigrationInterface, QueryRunner } from 'typeorm';

/** A section's saved column mapping and date format, used by its next uploads that send none. */
export class AddSectionPresets1763776100000 implements MigrationInterface {
  name = 'AddSectionPresets1763776100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sections ADD COLUMN preset_mapping jsonb, ADD COLUMN preset_date_format text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sections DROP COLUMN preset_mapping, DROP COLUMN preset_date_format`);
  }
}
