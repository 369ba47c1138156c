import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { batchRunKey, jobId } from '../../queue/jobs';
import { BatchStatusService } from './batch-status.service';
import { ChunkResult, ParseService } from './parse.service';

/**
 * `parse`: splits the file and fans out one `parse-chunk` job per chunk, then, once they all completed, runs
 * again to finish the stage. `parse-chunk`: parses one chunk.
 */
@Injectable()
export class ParseProcessor implements Processor<'parse' | 'parse-chunk'> {
  readonly jobs = ['parse', 'parse-chunk'] as const;
  /**
   * Parsing is CPU-bound JavaScript, and a process runs its JavaScript on one core: a second chunk in the same
   * process adds memory (measured: peaks past 300 MB at 1M rows), not speed. More cores, more worker processes.
   */
  readonly concurrency = 1;

  constructor(
    private readonly parse: ParseService,
    private readonly status: BatchStatusService,
  ) {}

  async handle(job: JobContext<'parse' | 'parse-chunk'>): Promise<ChunkResult | void> {
    if (job.name === 'parse-chunk') return this.parse.parseChunk(job.data);

    const { batchId, attempt, chunks } = job.data;
    if (chunks === undefined) {
      const plan = await this.parse.plan(batchId);
      if (!plan) return;
      const run = batchRunKey(batchId, attempt);
      const children = plan.map((data) => ({ name: 'parse-chunk' as const, data, jobId: jobId('parse-chunk', run, data.chunk.index) }));
      await job.fanOut(children, { chunks: plan.length });
    }
    await this.parse.finish(batchId, await job.childResults<ChunkResult>());
  }

  giveUp(job: JobContext<'parse' | 'parse-chunk'>, error: Error): Promise<void> {
    return this.status.giveUp(job.data.batchId, `Reading the file failed repeatedly (${error.message}). Nothing of it was counted; upload it again, and tell your campaign lead if it keeps failing.`);
  }
}
