import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Job as BullJob, JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUES, jobId, JobName, jobOptions, JobPayloads, QueueName } from './jobs';
import { ChildJob } from './processor';

export const BATCH_FLOW = 'batch-flow';

/** Everything that puts work on the queues goes through here, so ids and options are always right. */
@Injectable()
export class JobQueue {
  private readonly logger = new Logger(JobQueue.name);
  private readonly queues: Queue[];

  constructor(
    @InjectFlowProducer(BATCH_FLOW) private readonly flows: FlowProducer,
    @InjectQueue('parse') parse: Queue,
    @InjectQueue('dedupe') dedupe: Queue,
    @InjectQueue('aggregate') aggregate: Queue,
    @InjectQueue('maintenance') private readonly maintenance: Queue,
    @InjectQueue('packs') packs: Queue,
  ) {
    // A connection error (Redis restarting, or a short-lived CLI closing mid-connect) must be logged, not crash
    // the process: ioredis reconnects by itself, and callers see failed commands as rejected promises.
    const logError = (error: Error) => this.logger.warn({ error: error.message }, 'queue connection error');
    flows.on('error', logError);
    this.queues = [parse, dedupe, aggregate, maintenance, packs];
    for (const queue of this.queues) queue.on('error', logError);
  }

  /**
   * Resolves once every queue's connection is up. A short-lived process (the CLI) waits for this before it
   * closes: closing a connection that is still starting makes BullMQ emit an error nobody can catch.
   */
  async ready(): Promise<void> {
    await Promise.all([this.flows.waitUntilReady(), ...this.queues.map((q) => q.waitUntilReady())]);
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
   * Children of a running job, on its queue: the parent waits for all of them, and fails when one of them gives
   * up. Ids derive from business keys, so queuing them again after a crash adds nothing twice.
   */
  async addChildren(parent: BullJob, children: ChildJob[]): Promise<void> {
    const queue = this.queueNamed(parent.queueName as QueueName);
    const parentRef = { id: parent.id!, queue: parent.queueQualifiedName };
    await queue.addBulk(children.map((c) => ({ name: c.name, data: c.data, opts: jobOptions({ jobId: c.jobId, parent: parentRef, failParentOnFailure: true }) })));
  }

  private queueNamed(name: QueueName): Queue {
    const queue = this.queues.find((q) => q.name === name);
    if (!queue) throw new Error(`no queue named ${name}`);
    return queue;
  }

  /**
   * Republishes a campaign's totals after something other than a file changed them (a tally, a retraction,
   * an import). `reason` makes the job id unique to the business event.
   */
  async refreshTotals(campaignId: number, reason: string, batchId?: string): Promise<void> {
    await this.add('aggregate', { campaignId, batchId }, [reason]);
  }

  /**
   * Republishes a campaign's totals after its definition changed. The key is the definition's fingerprint, and
   * the job is dropped once it ended (a failure is logged), so importing the same document while its refresh
   * waits adds nothing, and importing it again later (after another version) refreshes again.
   */
  async refreshTotalsForDefinition(campaignId: number, fingerprint: string): Promise<void> {
    await this.add('aggregate', { campaignId }, ['import', campaignId, fingerprint], { removeOnComplete: true, removeOnFail: true });
  }

  /** One pack generation; the attempt is in the id so a failed pack can be asked for again. */
  async generatePack(packId: string, attempt: number): Promise<void> {
    await this.add('pack', { packId }, [packId, attempt], { attempts: 3 });
  }

  /**
   * A recount on demand, one per campaign (or all) at a time: asking while one waits or runs adds nothing. It is
   * dropped when it ends, also when it failed (its failure is logged), so that asking again later runs again.
   */
  async reconcileNow(campaignId?: number): Promise<void> {
    await this.add('reconcile', { campaignId }, [campaignId ?? 'all'], { attempts: 1, removeOnComplete: true, removeOnFail: true });
  }

  /** Queues one job under an id made of its name and business keys (see `jobId`). */
  private async add<N extends JobName>(name: N, data: JobPayloads[N], keys: (string | number)[], options: JobsOptions = {}): Promise<void> {
    await this.queueNamed(JOB_QUEUES[name]).add(name, data, jobOptions({ ...options, jobId: jobId(name, ...keys) }));
  }

  /**
   * A file retention sweep a little later (after the transaction that ended a batch has committed). One per
   * reason: a batch ending twice (a retried stage) still sweeps once.
   */
  async sweepFilesSoon(reason: string): Promise<void> {
    await this.add('file-retention', { reason }, [reason], { attempts: 3, delay: 2000, removeOnComplete: true });
  }

  async scheduleFileSweep(everyMs: number): Promise<void> {
    await this.maintenance.upsertJobScheduler('file-retention-every', { every: everyMs }, { name: 'file-retention', data: { reason: 'schedule' }, opts: jobOptions({ attempts: 1 }) });
  }

  async scheduleReconcile(everyMs: number): Promise<void> {
    await this.maintenance.upsertJobScheduler('reconcile-every', { every: everyMs }, { name: 'reconcile', data: {}, opts: jobOptions({ attempts: 1 }) });
  }
}
