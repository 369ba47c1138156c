import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. Hand-written so that every constraint and index has a stable, explicit name.
 *
 * Personal data kept: display names, city, region, country and signing time of accepted rows (needed for
 * the packs). Never kept: raw e-mail addresses and postcodes; a signer is known only by the keyed hash of
 * its dedupe key (docs/design.md invariant 5).
 */
export class CreateSchema1763776000000 implements MigrationInterface {
  name = 'CreateSchema1763776000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id serial CONSTRAINT pk_campaigns PRIMARY KEY,
        slug text NOT NULL CONSTRAINT uq_campaigns_slug UNIQUE,
        title text NOT NULL,
        target_government text NOT NULL,
        target_country char(2),
        goal integer NOT NULL CONSTRAINT ck_campaigns_goal CHECK (goal >= 0),
        opens_at timestamptz,
        closes_at timestamptz,
        day_of_action date,
        timezone text NOT NULL,
        default_delivery_point_code text NOT NULL,
        withheld_countries text[] NOT NULL DEFAULT '{}',
        frozen_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE petitions (
        id serial CONSTRAINT pk_petitions PRIMARY KEY,
        campaign_id integer NOT NULL CONSTRAINT fk_petitions_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        code text NOT NULL,
        language text NOT NULL,
        title text NOT NULL,
        addressees text[] NOT NULL DEFAULT '{}',
        body text NOT NULL,
        CONSTRAINT uq_petitions_campaign_code UNIQUE (campaign_id, code)
      );

      CREATE TABLE delivery_points (
        id serial CONSTRAINT pk_delivery_points PRIMARY KEY,
        campaign_id integer NOT NULL CONSTRAINT fk_delivery_points_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        code text NOT NULL,
        kind text NOT NULL CONSTRAINT ck_delivery_points_kind
          CHECK (kind IN ('embassy', 'consulate', 'representative-office', 'other')),
        host_country char(2) NOT NULL,
        city text NOT NULL,
        address text NOT NULL,
        addressee text NOT NULL,
        hand_in_at timestamptz,
        language text NOT NULL,
        paper_size text NOT NULL CONSTRAINT ck_delivery_points_paper_size CHECK (paper_size IN ('A4', 'Letter')),
        CONSTRAINT uq_delivery_points_campaign_code UNIQUE (campaign_id, code)
      );

      CREATE TABLE sections (
        id serial CONSTRAINT pk_sections PRIMARY KEY,
        campaign_id integer NOT NULL CONSTRAINT fk_sections_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        code text NOT NULL,
        name text NOT NULL,
        country char(2) NOT NULL,
        petition_code text NOT NULL,
        default_delivery_point_code text,
        CONSTRAINT uq_sections_campaign_code UNIQUE (campaign_id, code)
      );

      CREATE TABLE routing_rules (
        id serial CONSTRAINT pk_routing_rules PRIMARY KEY,
        campaign_id integer NOT NULL CONSTRAINT fk_routing_rules_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        country char(2) NOT NULL,
        region text,
        delivery_point_code text NOT NULL
      );
      CREATE UNIQUE INDEX uq_routing_rules_campaign_country_region
        ON routing_rules (campaign_id, country, lower(coalesce(region, '')));

      CREATE TABLE users (
        id serial CONSTRAINT pk_users PRIMARY KEY,
        email text NOT NULL CONSTRAINT uq_users_email UNIQUE,
        role text NOT NULL CONSTRAINT ck_users_role CHECK (role IN ('admin', 'coordinator', 'activist')),
        section_code text,
        delivery_point_code text,
        token_hash bytea NOT NULL CONSTRAINT uq_users_token_hash UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_users_scope CHECK (
          (role = 'admin') OR
          (role = 'coordinator' AND section_code IS NOT NULL) OR
          (role = 'activist' AND delivery_point_code IS NOT NULL))
      );

      CREATE TABLE batches (
        id uuid CONSTRAINT pk_batches PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT uq_batches_seq UNIQUE,
        campaign_id integer NOT NULL CONSTRAINT fk_batches_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        section_id integer NOT NULL CONSTRAINT fk_batches_section REFERENCES sections(id) ON DELETE CASCADE,
        kind text NOT NULL CONSTRAINT ck_batches_kind CHECK (kind IN ('signatures', 'tally')),
        status text NOT NULL CONSTRAINT ck_batches_status CHECK (status IN
          ('queued', 'parsing', 'deduplicating', 'aggregating', 'done', 'failed', 'retracted')),
        sha256 char(64),
        original_name text,
        note text,
        mapping jsonb,
        date_format text,
        progress real NOT NULL DEFAULT 0,
        rows integer NOT NULL DEFAULT 0,
        accepted integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        duplicates_in_batch integer NOT NULL DEFAULT 0,
        duplicates_existing integer NOT NULL DEFAULT 0,
        counted integer NOT NULL DEFAULT 0,
        rejections_by_reason jsonb NOT NULL DEFAULT '{}',
        tally_count integer CONSTRAINT ck_batches_tally_count CHECK (tally_count >= 0),
        tally_country char(2),
        tally_delivery_point_code text,
        error text,
        uploaded_by integer CONSTRAINT fk_batches_uploaded_by REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        committed_at timestamptz,
        retracted_at timestamptz,
        CONSTRAINT ck_batches_tally CHECK ((kind = 'tally') = (tally_count IS NOT NULL))
      );
      -- Invariant 2: one live batch per file and section. Failed and retracted batches do not block a re-upload.
      CREATE UNIQUE INDEX uq_batches_section_file_active ON batches (section_id, sha256)
        WHERE kind = 'signatures' AND status NOT IN ('failed', 'retracted');
      CREATE INDEX ix_batches_campaign ON batches (campaign_id);

      -- Accepted rows of every batch. Rows of a batch that is not committed (or is retracted) are staged
      -- data only: they reach totals solely through the signers table, at commit.
      -- No foreign keys on the bulk columns: COPY of a million rows would check each one.
      CREATE TABLE signatures (
        batch_id uuid NOT NULL CONSTRAINT fk_signatures_batch REFERENCES batches(id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        campaign_id integer NOT NULL,
        signer_key bytea NOT NULL,
        display_name text NOT NULL,
        city text,
        region text,
        country char(2) NOT NULL,
        signed_at timestamptz NOT NULL,
        consent boolean NOT NULL,
        delivery_point_code text NOT NULL,
        external_id text,
        CONSTRAINT pk_signatures PRIMARY KEY (batch_id, row_number)
      );
      CREATE INDEX ix_signatures_campaign_key ON signatures (campaign_id, signer_key);

      -- One row per person per campaign (invariant: a signer counts once). Points at its canonical signature.
      CREATE TABLE signers (
        campaign_id integer NOT NULL,
        signer_key bytea NOT NULL,
        batch_id uuid NOT NULL,
        batch_seq bigint NOT NULL,
        row_number integer NOT NULL,
        signed_at timestamptz NOT NULL,
        section_id integer NOT NULL,
        country char(2) NOT NULL,
        delivery_point_code text NOT NULL,
        day date NOT NULL,
        CONSTRAINT pk_signers PRIMARY KEY (campaign_id, signer_key)
      );
      CREATE INDEX ix_signers_batch ON signers (batch_id);
      CREATE INDEX ix_signers_campaign_delivery_point ON signers (campaign_id, delivery_point_code);

      -- Incrementally maintained count of signers per attribution cell. Every breakdown (country, section,
      -- delivery point, day) is a sum over the same cells, so they reconcile by construction.
      CREATE TABLE signer_counts (
        campaign_id integer NOT NULL,
        section_id integer NOT NULL,
        country char(2) NOT NULL,
        delivery_point_code text NOT NULL,
        day date NOT NULL,
        count integer NOT NULL,
        CONSTRAINT pk_signer_counts PRIMARY KEY (campaign_id, section_id, country, delivery_point_code, day)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE signer_counts; DROP TABLE signers; DROP TABLE signatures; DROP TABLE batches;
      DROP TABLE users; DROP TABLE routing_rules; DROP TABLE sections; DROP TABLE delivery_points;
      DROP TABLE petitions; DROP TABLE campaigns;
    `);
  }
}
