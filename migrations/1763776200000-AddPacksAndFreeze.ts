import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-in packs, and the freeze of a campaign's numbers for the day of action. */
export class AddPacksAndFreeze1763776200000 implements MigrationInterface {
  name = 'AddPacksAndFreeze1763776200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The counter cells and tallies at the moment of the freeze: the frozen totals.
      ALTER TABLE campaigns ADD COLUMN frozen_cells jsonb;

      -- Every counted signer at the freeze, with what its pack prints, so packs made after the freeze show
      -- exactly the frozen signers whatever arrives (or is retracted) later.
      CREATE TABLE frozen_signers (
        campaign_id integer NOT NULL CONSTRAINT fk_frozen_signers_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        delivery_point_code text NOT NULL,
        section_id integer NOT NULL,
        country char(2) NOT NULL,
        signed_at timestamptz NOT NULL,
        batch_seq bigint NOT NULL,
        row_number integer NOT NULL,
        display_name text NOT NULL,
        city text,
        consent boolean NOT NULL
      );
      CREATE INDEX ix_frozen_signers_pack_order
        ON frozen_signers (campaign_id, delivery_point_code, country, signed_at, batch_seq, row_number);

      CREATE TABLE frozen_tallies (
        campaign_id integer NOT NULL CONSTRAINT fk_frozen_tallies_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        section_id integer NOT NULL,
        country char(2) NOT NULL,
        delivery_point_code text NOT NULL,
        count integer NOT NULL
      );
      CREATE INDEX ix_frozen_tallies_campaign ON frozen_tallies (campaign_id);

      -- One generated (or generating) pack of a delivery point. "source" names what it was made from (the
      -- signers it holds, or the freeze, and the campaign definition), so asking again for the same source
      -- reuses it, and a pack whose source is no longer current is stale.
      CREATE TABLE packs (
        id uuid CONSTRAINT pk_packs PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id integer NOT NULL CONSTRAINT fk_packs_campaign REFERENCES campaigns(id) ON DELETE CASCADE,
        delivery_point_code text NOT NULL,
        source text NOT NULL,
        volume_size integer NOT NULL DEFAULT 0,
        status text NOT NULL CONSTRAINT ck_packs_status CHECK (status IN ('queued', 'generating', 'done', 'failed')),
        attempt integer NOT NULL DEFAULT 1,
        online integer,
        offline integer,
        withheld integer,
        worldwide integer,
        pages integer,
        volumes jsonb,
        list_sha256 char(64),
        missing_glyphs integer,
        counts_at timestamptz,
        generated_at timestamptz,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_packs_source UNIQUE (campaign_id, delivery_point_code, source, volume_size)
      );
      CREATE INDEX ix_packs_delivery_point ON packs (campaign_id, delivery_point_code, created_at);

      -- Pack lists read a delivery point's signers in print order.
      CREATE INDEX ix_signers_pack_order ON signers (campaign_id, delivery_point_code, country, signed_at, batch_seq, row_number);
      DROP INDEX ix_signers_campaign_delivery_point;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_signers_campaign_delivery_point ON signers (campaign_id, delivery_point_code);
      DROP INDEX ix_signers_pack_order;
      DROP TABLE packs; DROP TABLE frozen_tallies; DROP TABLE frozen_signers;
      ALTER TABLE campaigns DROP COLUMN frozen_cells;
    `);
  }
}
