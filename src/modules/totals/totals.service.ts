import { Injectable, Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import { User } from '../auth/user.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { BatchStatusService } from '../ingest/batch-status.service';
import { buildTotals, Totals } from './breakdown';
import { CachedBody, cachedBody } from './cached-body';
import { PublishedTotalsRepository } from './published-totals.repository';
import { TotalsRepository } from './totals.repository';

/**
 * Publishes totals: the campaign-wide view and the public counter are computed from the counter cells after
 * every change and kept in Redis (and in each API process's memory), so reads under load never touch Postgres;
 * a change is also announced to the live dashboards (server-sent events).
 */
@Injectable()
export class TotalsService {
  private readonly logger = new Logger(TotalsService.name);

  constructor(
    private readonly totals: TotalsRepository,
    private readonly published: PublishedTotalsRepository,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly status: BatchStatusService,
  ) {}

  /** Stage 3 of a batch (and the follow-up of tallies, retractions and imports). */
  async refresh(campaignId: number, batchId?: string): Promise<void> {
    const campaign = await this.campaignsRepository.findById(campaignId);
    if (!campaign) return;
    const totals = await this.totals.withPublishLock(campaignId, async () => {
      const latest = await this.compute(campaign);
      await this.published.publish(campaign.slug, latest);
      return latest;
    });
    if (batchId) await this.status.move(batchId, 'done', { progress: 1 });
    this.logger.log({ campaignId, batchId, total: totals.total }, 'totals published');
  }

  /** Admins see everything; a coordinator sees their section's share; activists and others see nothing here. */
  async forUser(user: User, slug: string): Promise<Totals> {
    if (user.role === 'coordinator') return this.compute(await this.campaigns.bySlug(slug), user.sectionCode!);
    const published = await this.published.totals(slug);
    return published ? (JSON.parse(published.json) as Totals) : this.compute(await this.campaigns.bySlug(slug));
  }

  /** The same, serialised: the campaign-wide view is served as published, without parsing it again. */
  async bodyForUser(user: User, slug: string): Promise<CachedBody> {
    const published = user.role === 'coordinator' ? null : await this.published.totals(slug);
    return published ?? cachedBody(JSON.stringify(await this.forUser(user, slug)));
  }

  /** The public counter (`{total, goal, updatedAt}`) as published; computed once and stored when none was yet. */
  publicCounter(slug: string): Promise<CachedBody> {
    return this.published.counter(slug, async () => this.compute(await this.campaigns.bySlug(slug)));
  }

  /** Every change of a campaign's totals from now on. */
  changes(slug: string): Observable<Totals> {
    return this.published.changes(slug);
  }

  private async compute(campaign: Campaign, sectionCode?: string): Promise<Totals> {
    const [cells, tallies, updatedAt, frozenCells] = await Promise.all([
      this.totals.countCells(campaign.id, sectionCode),
      this.totals.tallies(campaign.id, sectionCode),
      this.totals.lastChange(campaign.id),
      this.totals.frozenCells(campaign.id),
    ]);
    const meta = { campaign: campaign.slug, goal: campaign.goal, updatedAt, frozenAt: campaign.frozenAt, section: sectionCode };
    return buildTotals(cells, tallies, meta, frozenCells);
  }
}
