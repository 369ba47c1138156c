import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager, In, QueryRunner } from 'typeorm';
import { Pack, PackStatus } from './pack.entity';

/** Which signers a pack lists: a delivery point's live signers, or those copied by the freeze. */
export interface PackScope {
  campaignId: number;
  deliveryPointCode: string;
  frozen: boolean;
  withheldCountries: string[];
  /** Country codes in the order the list prints them (alphabetical by name in the pack's language). */
  countryOrder: string[];
}

export interface PackSummary {
  online: number;
  withheld: number;
  offline: number;
  worldwide: number;
  countries: number;
  /** Codes of the sections whose signers (or tallies) are in the pack: their petitions are printed. */
  sections: string[];
  /** The moment of the snapshot. */
  countsAt: Date;
}

/** A list row as read from Postgres: `name` is already null when it must not print. */
export interface PackRowRecord {
  name: string | null;
  city: string | null;
  country: string;
  signedAt: Date;
}

// Same columns from the live signers (joined to their canonical signature) or from the frozen copy.
const LIVE_SIGNERS = `(SELECT g.country, g.signed_at, g.section_id, g.batch_seq, g.row_number, s.display_name, s.city, s.consent
    FROM signers g JOIN signatures s ON s.batch_id = g.batch_id AND s.row_number = g.row_number
   WHERE g.campaign_id = $1 AND g.delivery_point_code = $2)`;
const FROZEN_SIGNERS = `(SELECT country, signed_at, section_id, batch_seq, row_number, display_name, city, consent
    FROM frozen_signers WHERE campaign_id = $1 AND delivery_point_code = $2)`;
const LIVE_TALLIES = `(SELECT section_id, tally_country AS country, tally_delivery_point_code AS delivery_point_code, tally_count AS count
    FROM batches WHERE campaign_id = $1 AND kind = 'tally' AND status <> 'retracted' AND committed_at IS NOT NULL)`;
const FROZEN_TALLIES = `(SELECT section_id, country, delivery_point_code, count FROM frozen_tallies WHERE campaign_id = $1)`;

// Rules of docs/design.md "Hand-in packs": a name prints only with consent and outside the withheld countries;
// in a withheld country the city is withheld too (a small town and a date can identify a person). Both are
// decided here, so a withheld name or city never leaves Postgres.
const WITHHELD_COUNTRY = `(p.country = ANY($3::text[]))`;
const PRINTABLE = `(p.consent AND NOT ${WITHHELD_COUNTRY})`;

/**
 * Reads one pack's counts and list inside a single REPEATABLE READ transaction, so the cover, the list and the
 * closing page all describe the same moment even while batches keep committing.
 */
export class PackSnapshot {
  constructor(private readonly runner: QueryRunner) {}

  async summary(scope: PackScope): Promise<PackSummary> {
    const signers = scope.frozen ? FROZEN_SIGNERS : LIVE_SIGNERS;
    const tallies = scope.frozen ? FROZEN_TALLIES : LIVE_TALLIES;
    const worldwideOnline = scope.frozen
      ? 'SELECT count(*) FROM frozen_signers WHERE campaign_id = $1'
      : 'SELECT coalesce(sum(count), 0) FROM signer_counts WHERE campaign_id = $1';
    const [row] = await this.runner.query(
      `WITH listed AS (SELECT p.country, p.section_id, ${PRINTABLE} AS printable FROM ${signers} p),
            tallied AS (SELECT * FROM ${tallies} t WHERE t.delivery_point_code = $2)
       SELECT (SELECT count(*) FROM listed)::int AS online,
              (SELECT count(*) FROM listed WHERE NOT printable)::int AS withheld,
              (SELECT coalesce(sum(count), 0) FROM tallied)::int AS offline,
              ((${worldwideOnline}) + (SELECT coalesce(sum(count), 0) FROM ${tallies} t))::int AS worldwide,
              (SELECT count(*) FROM (SELECT country FROM listed UNION SELECT country FROM tallied) c)::int AS countries,
              (SELECT coalesce(array_agg(DISTINCT sec.code), '{}') FROM (SELECT section_id FROM listed UNION SELECT section_id FROM tallied) x
                 JOIN sections sec ON sec.id = x.section_id) AS sections,
              now() AS "countsAt"`,
      [scope.campaignId, scope.deliveryPointCode, scope.withheldCountries],
    );
    return row;
  }

  /** The pack's signatures in print order (country, then date signed), streamed from a cursor. */
  async rows(scope: PackScope): Promise<Readable> {
    const signers = scope.frozen ? FROZEN_SIGNERS : LIVE_SIGNERS;
    return this.runner.stream(
      `SELECT CASE WHEN ${PRINTABLE} THEN p.display_name END AS name, CASE WHEN NOT ${WITHHELD_COUNTRY} THEN p.city END AS city,
              p.country, p.signed_at AS "signedAt"
         FROM ${signers} p
        ORDER BY array_position($4::text[], p.country::text), p.country, p.signed_at, p.batch_seq, p.row_number`,
      [scope.campaignId, scope.deliveryPointCode, scope.withheldCountries, scope.countryOrder],
    );
  }
}

@Injectable()
export class PacksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async withSnapshot<T>(read: (snapshot: PackSnapshot) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await read(new PackSnapshot(runner));
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * A fingerprint per delivery point of what its live pack would hold: the canonical signatures (by batch and
   * row) and the tallies. Order-independent sums of 64-bit hashes; any added, removed or replaced signer
   * changes it.
   */
  async liveFingerprints(campaignId: number, deliveryPointCode?: string): Promise<Map<string, string>> {
    const rows: { code: string; signers: string; tallies: string }[] = await this.dataSource.query(
      `WITH s AS (
         SELECT delivery_point_code AS code, count(*) || ':' || sum(hashtextextended(batch_id::text || '/' || row_number, 0)) AS part
           FROM signers WHERE campaign_id = $1 AND ($2::text IS NULL OR delivery_point_code = $2) GROUP BY delivery_point_code
       ), t AS (
         SELECT tally_delivery_point_code AS code, count(*) || ':' || sum(hashtextextended(id::text, 0)) AS part
           FROM batches WHERE campaign_id = $1 AND kind = 'tally' AND status <> 'retracted' AND committed_at IS NOT NULL
            AND ($2::text IS NULL OR tally_delivery_point_code = $2)
          GROUP BY tally_delivery_point_code
       )
       SELECT code, coalesce(s.part, '-') AS signers, coalesce(t.part, '-') AS tallies FROM s FULL JOIN t USING (code)`,
      [campaignId, deliveryPointCode ?? null],
    );
    return new Map(rows.map((r) => [r.code, `${r.signers}|${r.tallies}`]));
  }

  /** Every pack of a campaign (any status), for a purge. */
  async idsOfCampaign(campaignId: number, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query('SELECT id FROM packs WHERE campaign_id = $1', [campaignId]);
    return rows.map((r) => r.id);
  }

  /** The packs of some delivery points (any status): an erasure deletes those that may list the erased person. */
  async ofDeliveryPoints(tx: EntityManager, campaignId: number, codes: string[]): Promise<Pick<Pack, 'id' | 'deliveryPointCode' | 'volumeSize'>[]> {
    return tx.query(
      'SELECT id, delivery_point_code AS "deliveryPointCode", volume_size AS "volumeSize" FROM packs WHERE campaign_id = $1 AND delivery_point_code = ANY($2)',
      [campaignId, codes],
    );
  }

  async deleteByIds(tx: EntityManager, ids: string[]): Promise<void> {
    await tx.query('DELETE FROM packs WHERE id = ANY($1)', [ids]);
  }

  /** Purge: the campaign's packs are gone (their files first, by the caller); asking for packs again is refused. */
  async deleteCampaign(tx: EntityManager, campaignId: number): Promise<void> {
    await tx.query('DELETE FROM packs WHERE campaign_id = $1', [campaignId]);
  }

  findById(id: string): Promise<Pack | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return this.dataSource.manager.findOneBy(Pack, { id });
  }

  /** The pack for this source and volume size: the existing one, or a new queued one. */
  async findOrCreate(fields: Pick<Pack, 'campaignId' | 'deliveryPointCode' | 'source' | 'volumeSize'>): Promise<{ pack: Pack; created: boolean }> {
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO packs (campaign_id, delivery_point_code, source, volume_size, status) VALUES ($1, $2, $3, $4, 'queued')
       ON CONFLICT ON CONSTRAINT uq_packs_source DO NOTHING RETURNING id`,
      [fields.campaignId, fields.deliveryPointCode, fields.source, fields.volumeSize],
    );
    const created = inserted.length > 0;
    const pack = await this.dataSource.manager.findOneByOrFail(Pack, fields);
    return { pack, created };
  }

  /** Newest first: the packs of one delivery point. */
  history(campaignId: number, deliveryPointCode: string): Promise<Pack[]> {
    return this.dataSource.manager.find(Pack, { where: { campaignId, deliveryPointCode }, order: { createdAt: 'DESC' }, take: 20 });
  }

  /** The newest finished pack of each delivery point of a campaign. */
  latestDone(campaignId: number): Promise<Pack[]> {
    return this.dataSource.manager
      .createQueryBuilder(Pack, 'p')
      .distinctOn(['p.delivery_point_code'])
      .where('p.campaign_id = :campaignId AND p.status = :status', { campaignId, status: 'done' })
      .orderBy('p.delivery_point_code')
      .addOrderBy('p.generated_at', 'DESC')
      .getMany();
  }

  async update(id: string, fields: Partial<Pack>): Promise<void> {
    await this.dataSource.manager.update(Pack, { id }, fields);
  }

  /** Moves a pack from one status to the next only if nobody else did first; true when it did. */
  async transition(id: string, from: PackStatus[], fields: Partial<Pack> & { status: PackStatus }): Promise<boolean> {
    const result = await this.dataSource.manager.update(Pack, { id, status: In(from) }, fields);
    return (result.affected ?? 0) > 0;
  }
}
