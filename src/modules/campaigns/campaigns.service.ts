import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobQueue } from '../../queue/job-queue';
import { AuditLog } from '../../audit/audit-log';
import { User } from '../auth/user.entity';
import { Campaign } from './campaign.entity';
import { CampaignDefinition, isoWithOffset, parseCampaignDefinition } from './campaign-definition';
import { CampaignsRepository } from './campaigns.repository';
import { buildRouter, Router } from '../../domain/routing';
import { Section } from './section.entity';

@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Imports (or re-imports) a campaign.json document; the published totals follow (goal, withheld countries). */
  async import(actor: User, document: unknown, slugFromUrl?: string): Promise<CampaignDefinition> {
    const docSlug = (document as { slug?: unknown } | null)?.slug;
    if (slugFromUrl && docSlug !== undefined && docSlug !== slugFromUrl) {
      throw new InvalidInputError('slug_mismatch', `The URL names campaign "${slugFromUrl}" but the document's slug is "${String(docSlug)}"; make them the same.`);
    }
    const definition = parseCampaignDefinition(slugFromUrl ? { ...(document as object), slug: slugFromUrl } : document, this.config);
    const campaign = await this.audit.together(
      (tx) => this.campaigns.upsert(tx, definition),
      (imported) => ({
        action: 'campaign.import',
        actor,
        campaignId: imported.id,
        detail: { sections: definition.sections.length, deliveryPoints: definition.deliveryPoints.length, routingRules: definition.routing.length },
      }),
    );
    const stored = await this.definition(campaign.slug);
    await this.jobs.refreshTotalsForDefinition(campaign.id, createHash('sha256').update(JSON.stringify(stored)).digest('hex').slice(0, 16));
    return stored;
  }

  list(): Promise<Campaign[]> {
    return this.campaigns.list();
  }

  async bySlug(slug: string): Promise<Campaign> {
    const campaign = await this.campaigns.findBySlug(slug);
    if (!campaign) throw new NotFoundError(`There is no campaign "${slug}". Import its campaign.json first.`);
    return campaign;
  }

  async section(campaign: Campaign, code: string): Promise<Section> {
    const section = await this.campaigns.findSection(campaign.id, code);
    if (!section) throw new NotFoundError(`Campaign "${campaign.slug}" has no section "${code}".`);
    return section;
  }

  async router(campaign: Campaign): Promise<Router> {
    const rules = await this.campaigns.routingRules(campaign.id);
    return buildRouter({
      defaultDeliveryPoint: campaign.defaultDeliveryPointCode,
      rules: rules.map((r) => ({ country: r.country, region: r.region, deliveryPoint: r.deliveryPointCode })),
    });
  }

  /** The stored campaign as a campaign.json document (what was imported, with defaults filled in). */
  async definition(slug: string): Promise<CampaignDefinition> {
    const c = await this.campaigns.findDefinition(slug);
    if (!c) throw new NotFoundError(`There is no campaign "${slug}".`);
    const iso = (d: Date | null) => d?.toISOString();
    return {
      slug: c.slug,
      title: c.title,
      targetGovernment: c.targetGovernment,
      targetCountry: c.targetCountry ?? undefined,
      goal: c.goal,
      opensAt: iso(c.opensAt),
      closesAt: iso(c.closesAt),
      dayOfAction: c.dayOfAction ?? undefined,
      timezone: c.timezone,
      defaultDeliveryPoint: c.defaultDeliveryPointCode,
      withheldCountries: c.withheldCountries,
      petitions: c.petitions.map((p) => ({ code: p.code, language: p.language, title: p.title, addressees: p.addressees, body: p.body })),
      sections: c.sections.map((s) => ({
        code: s.code,
        name: s.name,
        country: s.country,
        petition: s.petitionCode,
        defaultDeliveryPoint: s.defaultDeliveryPointCode ?? undefined,
      })),
      deliveryPoints: c.deliveryPoints.map((d) => ({
        code: d.code,
        kind: d.kind,
        hostCountry: d.hostCountry,
        city: d.city,
        address: d.address,
        addressee: d.addressee,
        handInAt: d.handInAt ? isoWithOffset(d.handInAt, d.handInOffset ?? '+00:00') : undefined,
        language: d.language,
        paperSize: d.paperSize,
      })),
      routing: c.routingRules.map((r) => ({ country: r.country, region: r.region ?? undefined, deliveryPoint: r.deliveryPointCode })),
    };
  }
}
