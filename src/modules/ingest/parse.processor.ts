import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { BatchesRepository } from './batches.repository';
import { ParseService } from './parse.service';

@Injectable()
export class ParseProcessor implements Processor<'parse'> {
  readonly queue = 'parse' as const;

  constructor(
    private readonly parse: ParseService,
    private readonly batches: BatchesRepository,
  ) {}

  handle(job: JobContext<'parse'>): Promise<void> {
    return this.parse.parse(job.data.batchId);
  }

  giveUp(job: JobContext<'parse'>, error: Error): Promise<void> {
    return this.batches.fail(job.data.batchId, `Reading the file failed repeatedly (${error.message}). Nothing of it was counted; upload it again, and tell your campaign lead if it keeps failing.`);
  }
}
