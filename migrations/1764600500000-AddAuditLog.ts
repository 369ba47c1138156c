import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: one line per action, written in the action's transaction. It is append-only: a trigger refuses
 * UPDATE, DELETE and TRUNCATE, so a line cannot be changed or removed through the application or by a slip at
 * the SQL prompt (a database owner can still drop the trigger on purpose, which is itself visible). No foreign
 * keys: a line outlives what it names (a purged campaign, a removed batch).
 */
export class AddAuditLog1764600500000 implements MigrationInterface {
  name = 'AddAuditLog1764600500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor_id integer,
        actor text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'refused')),
        campaign_id integer,
        section_code text,
        delivery_point_code text,
        batch_id uuid,
        person_id integer,
        address text,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id)`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: lines cannot be changed or deleted';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
  }
}
