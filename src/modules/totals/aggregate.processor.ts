import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { TotalsService } from './totals.service';

@Injectable()
export class AggregateProcessor implements Processor<'aggregate'> {
  readonly queue = 'aggregate' as const;

  constructor(private readonly totals: TotalsService) {}

  handle(job: JobContext<'aggregate'>): Promise<void> {
    return this.totals.refresh(job.data.campaignId, job.data.batchId);
  }
}
