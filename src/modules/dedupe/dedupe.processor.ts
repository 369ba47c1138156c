import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { DedupeService } from './dedupe.service';

@Injectable()
export class DedupeProcessor implements Processor<'dedupe'> {
  readonly jobs = ['dedupe'] as const;

  constructor(private readonly dedupe: DedupeService) {}

  handle(job: JobContext<'dedupe'>): Promise<void> {
    return this.dedupe.commit(job.data.batchId);
  }

  giveUp(job: JobContext<'dedupe'>, error: Error): Promise<void> {
    return this.dedupe.fail(job.data.batchId, `Counting the batch failed repeatedly (${error.message}). Nothing of it was counted; upload it again, and tell your campaign lead if it keeps failing.`);
  }
}
