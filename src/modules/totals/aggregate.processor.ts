import { Injectable, Logger } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { DedupeService } from '../dedupe/dedupe.service';
import { TotalsService } from './totals.service';

@Injectable()
export class AggregateProcessor implements Processor<'aggregate'> {
  readonly jobs = ['aggregate'] as const;
  private readonly logger = new Logger(AggregateProcessor.name);

  constructor(
    private readonly totals: TotalsService,
    private readonly dedupe: DedupeService,
  ) {}

  handle(job: JobContext<'aggregate'>): Promise<void> {
    return this.totals.refresh(job.data.campaignId, job.data.batchId);
  }

  /**
   * A batch whose totals could not be published fails, its signers taken back out, so that what the coordinator
   * is told (nothing of it counts) is true. Without a batch the published totals are behind until the next change.
   */
  async giveUp(job: JobContext<'aggregate'>, error: Error): Promise<void> {
    const { campaignId, batchId } = job.data;
    if (!batchId) {
      this.logger.error({ campaignId, error: error.message }, 'publishing the totals failed repeatedly');
      return;
    }
    await this.dedupe.fail(batchId, `Publishing the totals failed repeatedly (${error.message}). Nothing of this batch was counted; send it again, and tell your campaign lead if it keeps failing.`);
  }
}
