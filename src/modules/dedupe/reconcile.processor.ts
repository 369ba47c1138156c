import { Injectable, Logger } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { DedupeService } from './dedupe.service';

/** The scheduled (and on-demand) full recount of every campaign's counters. */
@Injectable()
export class ReconcileProcessor implements Processor<'reconcile'> {
  readonly jobs = ['reconcile'] as const;
  private readonly logger = new Logger(ReconcileProcessor.name);

  constructor(
    private readonly dedupe: DedupeService,
    private readonly campaigns: CampaignsRepository,
  ) {}

  async handle(job: JobContext<'reconcile'>): Promise<void> {
    const ids = job.data.campaignId ? [job.data.campaignId] : (await this.campaigns.list()).map((c) => c.id);
    for (const id of ids) await this.dedupe.reconcile(id);
  }

  /** No batch depends on a recount; the next scheduled one tries again. */
  async giveUp(job: JobContext<'reconcile'>, error: Error): Promise<void> {
    this.logger.error({ campaignId: job.data.campaignId, error: error.message }, 'recount of the counters failed');
  }
}
