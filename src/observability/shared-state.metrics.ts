import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { Clock } from '../common/clock';
import { QUEUE_NAMES } from '../queue/jobs';
import { CampaignsRepository } from '../modules/campaigns/campaigns.repository';
import { PublishedTotalsRepository } from '../modules/totals/published-totals.repository';
import { METRIC, QUEUE_STATES } from './metrics';

/**
 * The state every process shares (queue depth in Redis, the published totals), read when the API is scraped
 * rather than tracked: it changes in whichever process does the work, and a scrape every 15 s costs one Redis
 * round trip per queue and a read of totals the API already holds in memory.
 */
@Injectable()
export class SharedStateMetrics {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly campaigns: CampaignsRepository,
    private readonly published: PublishedTotalsRepository,
    private readonly clock: Clock,
    @InjectMetric(METRIC.queueJobs) private readonly queueJobs: Gauge<'queue' | 'state'>,
    @InjectMetric(METRIC.totalsAge) private readonly totalsAge: Gauge<'campaign'>,
  ) {}

  async refresh(): Promise<void> {
    await Promise.all([this.refreshQueues(), this.refreshTotalsAge()]);
  }

  private async refreshQueues(): Promise<void> {
    await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
      }),
    );
  }

  /** A campaign without published totals yet has no series, rather than a made-up age. */
  private async refreshTotalsAge(): Promise<void> {
    const now = this.clock.now().getTime();
    this.totalsAge.reset(); // a removed campaign's series goes away
    for (const campaign of await this.campaigns.list()) {
      const body = await this.published.totals(campaign.slug);
      const updatedAt = body ? (JSON.parse(body.json) as { updatedAt: string | null }).updatedAt : null;
      if (updatedAt) this.totalsAge.set({ campaign: campaign.slug }, Math.max(0, (now - Date.parse(updatedAt)) / 1000));
    }
  }
}
