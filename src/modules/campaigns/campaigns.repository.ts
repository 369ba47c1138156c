import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { ConflictError } from '../../common/errors';
import { Campaign } from './campaign.entity';
import { CampaignDefinition, paperSizeFor, utcOffsetOf } from './campaign-definition';
import { DeliveryPoint } from './delivery-point.entity';
import { Petition } from './petition.entity';
import { RoutingRule } from './routing-rule.entity';
import { Section } from './section.entity';

@Injectable()
export class CampaignsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findBySlug(slug: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ slug });
  }

  findById(id: number): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ id });
  }

  list(): Promise<Campaign[]> {
    return this.dataSource.getRepository(Campaign).find({ order: { slug: 'ASC' } });
  }

  /** The campaign with its petitions, sections, delivery points and routing rules, in a stable order. */
  findDefinition(slug: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOne({
      where: { slug },
      relations: { petitions: true, sections: true, deliveryPoints: true, routingRules: true },
      order: { petitions: { code: 'ASC' }, sections: { code: 'ASC' }, deliveryPoints: { code: 'ASC' }, routingRules: { id: 'ASC' } },
    });
  }

  findSection(campaignId: number, code: string): Promise<Section | null> {
    return this.dataSource.getRepository(Section).findOneBy({ campaignId, code });
  }

  findSectionById(id: number): Promise<Section | null> {
    return this.dataSource.getRepository(Section).findOneBy({ id });
  }

  async savePreset(sectionId: number, preset: { presetMapping: Record<string, string> | null; presetDateFormat: string | null }): Promise<void> {
    await this.dataSource.getRepository(Section).update({ id: sectionId }, preset);
  }

  /** Records the purge of a campaign's personal data, in the purge's transaction; a repeated purge keeps the first time. */
  async markPurged(tx: EntityManager, campaignId: number, at: Date): Promise<void> {
    await tx.query('UPDATE campaigns SET purged_at = coalesce(purged_at, $2) WHERE id = $1', [campaignId, at]);
  }

  routingRules(campaignId: number): Promise<RoutingRule[]> {
    return this.dataSource.getRepository(RoutingRule).findBy({ campaignId });
  }

  /**
   * Idempotent upsert of a whole definition, in the caller's transaction: importing the same document twice changes
   * nothing. Sections with batches and delivery points with signers are never deleted by an import, because
   * that would silently drop counted signatures; the import is refused instead.
   */
  async upsert(tx: EntityManager, def: CampaignDefinition): Promise<Campaign> {
    const campaign = await this.upsertCampaign(tx, def);
    await this.refuseOrphaningCountedData(tx, campaign.id, def);
    await this.syncByCode(tx, Petition, campaign.id, def.petitions.map((p) => ({ code: p.code, language: p.language, title: p.title, addressees: p.addressees, body: p.body })));
    await this.syncByCode(
      tx,
      DeliveryPoint,
      campaign.id,
      def.deliveryPoints.map((d) => ({
        code: d.code,
        kind: d.kind,
        hostCountry: d.hostCountry,
        city: d.city,
        address: d.address,
        addressee: d.addressee,
        handInAt: d.handInAt ? new Date(d.handInAt) : null,
        handInOffset: d.handInAt ? utcOffsetOf(d.handInAt) : null,
        language: d.language,
        paperSize: paperSizeFor(d.hostCountry, d.paperSize),
      })),
    );
    await this.syncByCode(
      tx,
      Section,
      campaign.id,
      def.sections.map((s) => ({ code: s.code, name: s.name, country: s.country, petitionCode: s.petition, defaultDeliveryPointCode: s.defaultDeliveryPoint ?? null })),
    );
    await tx.delete(RoutingRule, { campaignId: campaign.id });
    if (def.routing.length > 0) {
      await tx.insert(
        RoutingRule,
        def.routing.map((r) => ({ campaignId: campaign.id, country: r.country, region: r.region ?? null, deliveryPointCode: r.deliveryPoint })),
      );
    }
    return campaign;
  }

  private async upsertCampaign(tx: EntityManager, def: CampaignDefinition): Promise<Campaign> {
    const fields = {
      slug: def.slug,
      title: def.title,
      targetGovernment: def.targetGovernment,
      targetCountry: def.targetCountry ?? null,
      goal: def.goal,
      opensAt: def.opensAt ? new Date(def.opensAt) : null,
      closesAt: def.closesAt ? new Date(def.closesAt) : null,
      dayOfAction: def.dayOfAction ?? null,
      timezone: def.timezone,
      defaultDeliveryPointCode: def.defaultDeliveryPoint,
      // By default the target government's own country: its signers are the ones a printed name could endanger.
      withheldCountries: def.withheldCountries ?? (def.targetCountry ? [def.targetCountry] : []),
    };
    await tx.upsert(Campaign, fields, ['slug']);
    return tx.findOneByOrFail(Campaign, { slug: def.slug });
  }

  private async refuseOrphaningCountedData(tx: EntityManager, campaignId: number, def: CampaignDefinition): Promise<void> {
    const sectionsWithBatches: { code: string }[] = await tx.query(
      `SELECT s.code FROM sections s WHERE s.campaign_id = $1 AND NOT (s.code = ANY($2))
         AND EXISTS (SELECT 1 FROM batches b WHERE b.section_id = s.id AND b.status <> 'retracted')`,
      [campaignId, def.sections.map((s) => s.code)],
    );
    const pointsWithSigners: { code: string }[] = await tx.query(
      `SELECT d.code FROM delivery_points d WHERE d.campaign_id = $1 AND NOT (d.code = ANY($2))
         AND (EXISTS (SELECT 1 FROM signers g WHERE g.campaign_id = d.campaign_id AND g.delivery_point_code = d.code)
           OR EXISTS (SELECT 1 FROM batches b WHERE b.campaign_id = d.campaign_id AND b.tally_delivery_point_code = d.code
                        AND b.status <> 'retracted'))`,
      [campaignId, def.deliveryPoints.map((d) => d.code)],
    );
    const problems = [
      ...sectionsWithBatches.map((s) => `section "${s.code}" has batches (retract them, or keep the section)`),
      ...pointsWithSigners.map((d) => `delivery point "${d.code}" has signers or tallies routed to it (keep it, or retract those batches first)`),
    ];
    if (problems.length > 0) {
      throw new ConflictError('campaign_in_use', `The new definition removes what is in use: ${problems.join('; ')}.`);
    }
  }

  /** Upserts rows by (campaign, code) and deletes the ones the definition no longer lists. */
  private async syncByCode<T extends Petition | Section | DeliveryPoint>(
    tx: EntityManager,
    entity: new () => T,
    campaignId: number,
    rows: Record<string, unknown>[],
  ): Promise<void> {
    const codes = rows.map((r) => r.code as string);
    await tx.delete(entity, { campaignId, code: Not(In(codes)) } as never);
    await tx.upsert(entity, rows.map((r) => ({ ...r, campaignId })) as never, ['campaignId', 'code']);
  }
}
