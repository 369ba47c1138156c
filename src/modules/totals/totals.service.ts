import { Injectable, Logger } from '@nestjs/common';
import { RedisClient, RedisKeys } from '../../redis/redis.module';
import { User } from '../auth/user.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { BatchesRepository } from '../ingest/batches.repository';
import { buildTotals, Totals } from './breakdown';
import { TotalsRepository } from './totals.repository';

export interface PublicCounter {
  total: number;
  goal: number;
  updatedAt: string | null;
}

/**
 * Publishes totals: the campaign-wide view and the public counter are computed from the counter cells after
 * every change and kept in Redis, so reads under load never touch Postgres; a change is also published on a
 * channel that the live dashboard (server-sent events) listens to.
 */
@Injectable()
export class TotalsService {
  private readonly logger = new Logger(TotalsService.name);

  constructor(
    private readonly totals: TotalsRepository,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly batches: BatchesRepository,
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Stage 3 of a batch (and the follow-up of tallies, retractions and imports). */
  async refresh(campaignId: number, batchId?: string): Promise<void> {
    const campaign = await this.campaignsRepository.findById(campaignId);
    if (!campaign) return;
    const totals = await this.totals.withPublishLock(campaignId, async () => {
      const latest = await this.compute(campaign);
      const counter: PublicCounter = { total: latest.total, goal: latest.goal, updatedAt: latest.updatedAt };
      await this.redis
        .multi()
        .set(this.keys.key('totals', campaign.slug), JSON.stringify(latest))
        .set(this.keys.key('counter', campaign.slug), JSON.stringify(counter))
        .publish(this.totalsChannel(campaign.slug), JSON.stringify(latest))
        .exec();
      return latest;
    });
    if (batchId) await this.batches.transition(batchId, ['aggregating'], { status: 'done', progress: 1 });
    this.logger.log({ campaignId, batchId, total: totals.total }, 'totals published');
  }

  /** Admins see everything; a coordinator sees their section's share; activists and others see nothing here. */
  async forUser(user: User, slug: string): Promise<Totals> {
    const campaign = await this.campaigns.bySlug(slug);
    if (user.role === 'coordinator') return this.compute(campaign, user.sectionCode!);
    const cached = await this.redis.get(this.keys.key('totals', slug));
    return cached ? (JSON.parse(cached) as Totals) : this.compute(campaign);
  }

  /** The public counter, served from Redis; computed once and cached when Redis has none yet. */
  async publicCounter(slug: string): Promise<PublicCounter> {
    const cached = await this.redis.get(this.keys.key('counter', slug));
    if (cached) return JSON.parse(cached) as PublicCounter;
    const totals = await this.compute(await this.campaigns.bySlug(slug));
    const counter = { total: totals.total, goal: totals.goal, updatedAt: totals.updatedAt };
    await this.redis.set(this.keys.key('counter', slug), JSON.stringify(counter));
    return counter;
  }

  totalsChannel(slug: string): string {
    return this.keys.key('totals-changed', slug);
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
