import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens expire, record when they were last used, and can be revoked; a person can be disabled (no token,
 * no session). Tokens issued before this migration get the default lifetime from now, not from their creation,
 * so that upgrading does not lock anyone out on the day of action.
 */
export class AddTokenLifecycle1764600250000 implements MigrationInterface {
  name = 'AddTokenLifecycle1764600250000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN token_expires_at timestamptz,
        ADD COLUMN token_last_used_at timestamptz,
        ADD COLUMN token_revoked_at timestamptz,
        ADD COLUMN disabled_at timestamptz`);
    await q.query(`UPDATE users SET token_expires_at = now() + interval '180 days'`);
    await q.query(`ALTER TABLE users ALTER COLUMN token_expires_at SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at, DROP COLUMN token_revoked_at, DROP COLUMN token_last_used_at, DROP COLUMN token_expires_at`);
  }
}
