import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Queue } from 'bullmq';
import { jobId, jobOptions } from './jobs';

export const BATCH_FLOW = 'batch-flow';

/** Everything that puts work on the queues goes through here, so ids and options are always right. */
@Injectable()
export class JobQueue {
  private readonly logger = new Logger(JobQueue.name);

  constructor(
    @InjectFlowProducer(BATCH_FLOW) private readonly flows: FlowProducer,
    @InjectQueue('parse') parse: Queue,
    @InjectQueue('dedupe') dedupe: Queue,
    @InjectQueue('aggregate') private readonly aggregate: Queue,
    @InjectQueue('maintenance') private readonly maintenance: Queue,
  ) {
    // A connection error (Redis restarting, or a short-lived CLI closing mid-connect) must be logged, not crash
    // the process: ioredis reconnects by itself, and callers see failed commands as rejected promises.
    const logError = (error: Error) => this.logger.warn({ error: error.message }, 'queue connection error');
    flows.on('error', logError);
    for (const queue of [parse, dedupe, aggregate, maintenance]) queue.on('error', logError);
  }

  /** parse → dedupe → aggregate for one uploaded file. */
  async startBatchFlow(batchId: string, campaignId: number): Promise<void> {
    await this.flows.add({
      name: 'aggregate',
      queueName: 'aggregate',
      data: { campaignId, batchId },
      opts: jobOptions({ jobId: jobId('aggregate', batchId) }),
      children: [
        {
          name: 'dedupe',
          queueName: 'dedupe',
          data: { batchId },
          // A stage that gives up fails the stages after it, instead of leaving them waiting forever.
          opts: jobOptions({ jobId: jobId('dedupe', batchId), failParentOnFailure: true }),
          children: [{ name: 'parse', queueName: 'parse', data: { batchId }, opts: jobOptions({ jobId: jobId('parse', batchId), failParentOnFailure: true }) }],
        },
      ],
    });
  }

  /**
   * Republishes a campaign's totals after something other than a file changed them (a tally, a retraction,
   * an import). `reason` makes the job id unique to the business event.
   */
  async refreshTotals(campaignId: number, reason: string, batchId?: string): Promise<void> {
    await this.aggregate.add('aggregate', { campaignId, batchId }, jobOptions({ jobId: jobId('aggregate', reason) }));
  }

  async reconcileNow(campaignId?: number): Promise<void> {
    await this.maintenance.add('reconcile', { campaignId }, jobOptions({ attempts: 1 }));
  }

  async scheduleReconcile(everyMs: number): Promise<void> {
    await this.maintenance.upsertJobScheduler('reconcile-every', { every: everyMs }, { name: 'reconcile', data: {}, opts: jobOptions({ attempts: 1 }) });
  }
}
