import { Injectable, Logger } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { DedupeService } from '../dedupe/dedupe.service';
import { TotalsService } from './totals.service';

export interface ReconcileResult {
  /** Counter cells whose stored value differed from the recount and were set right. */
  repaired: number;
}

/**
 * The scheduled (and on-demand) full recount of every campaign's counters; a campaign whose counters had to be
 * repaired gets its totals published again. It sits with the totals because it uses both stages below them.
 */
@Injectable()
export class ReconcileProcessor implements Processor<'reconcile'> {
  readonly jobs = ['reconcile'] as const;
  private readonly logger = new Logger(ReconcileProcessor.name);

  constructor(
    private readonly dedupe: DedupeService,
    private readonly campaigns: CampaignsRepository,
    private readonly totals: TotalsService,
  ) {}

  /** Returns how many counter cells the recount repaired (the drift), kept as the job's result for metrics. */
  async handle(job: JobContext<'reconcile'>): Promise<ReconcileResult> {
    const ids = job.data.campaignId ? [job.data.campaignId] : (await this.campaigns.list()).map((c) => c.id);
    let repaired = 0;
    for (const id of ids) {
      const { mismatched } = await this.dedupe.reconcile(id);
      repaired += mismatched;
      if (mismatched > 0) await this.totals.refresh(id);
    }
    return { repaired };
  }

  /** No batch depends on a recount; the next scheduled one tries again. */
  async giveUp(job: JobContext<'reconcile'>, error: Error): Promise<void> {
    this.logger.error({ campaignId: job.data.campaignId, error: error.message }, 'recount of the counters failed');
  }
}
