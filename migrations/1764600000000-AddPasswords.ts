import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in to the web app by e-mail and password. A person without a password gets a one-time link to set one;
 * only hashes are stored (argon2id for the password, SHA-256 for the link's random secret).
 */
export class AddPasswords1764600000000 implements MigrationInterface {
  name = 'AddPasswords1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN password_hash text,
        ADD COLUMN password_link_hash bytea,
        ADD COLUMN password_link_expires_at timestamptz,
        ADD CONSTRAINT ck_users_password_link CHECK ((password_link_hash IS NULL) = (password_link_expires_at IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX ux_users_password_link ON users (password_link_hash) WHERE password_link_hash IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_users_email_lower`);
    await q.query(`DROP INDEX ux_users_password_link`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_password_link, DROP COLUMN password_link_expires_at, DROP COLUMN password_link_hash, DROP COLUMN password_hash`);
  }
}
