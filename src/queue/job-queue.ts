import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Job as BullJob, JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { batchRunKey, JOB_QUEUES, jobId, JobName, jobOptions, JobPayloads, QueueName } from './jobs';
import { ChildJob } from './processor';

export const BATCH_FLOW = 'batch-flow';

/** What the queues need to know of a batch to find or start the jobs of its current run. */
export interface BatchRun {
  id: string;
  campaignId: number;
  kind: 'signatures' | 'tally';
  attempt: number;
}

/** The stages of a batch's run, in the order they run (a tally has only the last). */
export type BatchStage = 'parse' | 'dedupe' | 'aggregate';

/**
 * Where a batch's current run stands in Redis: `failed` when one of its jobs failed for good (the earliest stage
 * that did), `missing` when one of its jobs is not there at all, `pending` otherwise (waiting, running or done).
 */
export type BatchRunState = { state: 'pending' } | { state: 'missing' } | { state: 'failed'; stage: BatchStage; reason: string };

/** The business key of a tally's one job (publishing the totals it is counted in). */
const tallyKey = (batchId: string) => `tally-${batchId}`;

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
    @InjectQueue('maintenance') maintenance: Queue,
    @InjectQueue('packs') packs: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /**
   * parse → dedupe → aggregate for one uploaded file: its first run (a new upload), or the run a retry starts.
   *
   * Adding a run again is safe, which the recovery sweep relies on: BullMQ keeps a job whose id exists as it is,
   * whatever its state (waiting, running, completed or failed), and only links it to its parent again; a completed
   * child counts as done for the parent. Only the missing jobs of the run are added.
   */
  async startBatchFlow(batchId: string, campaignId: number, attempt = 1): Promise<void> {
    const run = batchRunKey(batchId, attempt);
    await this.flows.add({
      name: 'aggregate',
      queueName: 'aggregate',
      data: { campaignId, batchId },
      opts: this.options({ jobId: jobId('aggregate', run) }),
      children: [
        {
          name: 'dedupe',
          queueName: 'dedupe',
          data: { batchId },
          // A stage that gives up fails the stages after it, instead of leaving them waiting forever.
          opts: this.options({ jobId: jobId('dedupe', run), failParentOnFailure: true }),
          children: [{ name: 'parse', queueName: 'parse', data: { batchId, attempt }, opts: this.options({ jobId: jobId('parse', run), failParentOnFailure: true }) }],
        },
      ],
    });
  }

  /** A tally's only stage: publishing the totals it is counted in, which finishes it. */
  async publishTally(campaignId: number, batchId: string): Promise<void> {
    await this.refreshTotals(campaignId, tallyKey(batchId), batchId);
  }

  /** Queues what is missing of a batch's current run (see `startBatchFlow`). */
  async restartBatchRun(batch: BatchRun): Promise<void> {
    if (batch.kind === 'tally') await this.publishTally(batch.campaignId, batch.id);
    else await this.startBatchFlow(batch.id, batch.campaignId, batch.attempt);
  }

  /** Where the jobs of a batch's current run stand in Redis (see BatchRunState). */
  async batchRunState(batch: BatchRun): Promise<BatchRunState> {
    const stages = this.runJobs(batch);
    const states = await Promise.all(stages.map(({ name, id }) => this.queueNamed(JOB_QUEUES[name]).getJobState(id)));
    const failed = stages.find((_, i) => states[i] === 'failed');
    if (failed) {
      const job = await this.queueNamed(JOB_QUEUES[failed.name]).getJob(failed.id);
      return { state: 'failed', stage: failed.name, reason: job?.failedReason ?? 'unknown' };
    }
    return states.includes('unknown') ? { state: 'missing' } : { state: 'pending' };
  }

  /** The jobs of a batch's current run, in the order they run. (A file's chunk jobs are its parse job's business.) */
  private runJobs(batch: BatchRun): { name: BatchStage; id: string }[] {
    if (batch.kind === 'tally') return [{ name: 'aggregate', id: jobId('aggregate', tallyKey(batch.id)) }];
    const run = batchRunKey(batch.id, batch.attempt);
    return (['parse', 'dedupe', 'aggregate'] as const).map((name) => ({ name, id: jobId(name, run) }));
  }

  /**
   * Children of a running job, on its queue: the parent waits for all of them, and fails when one of them gives
   * up. Ids derive from business keys, so queuing them again after a crash adds nothing twice.
   */
  async addChildren(parent: BullJob, children: ChildJob[]): Promise<void> {
    const queue = this.queueNamed(parent.queueName as QueueName);
    const parentRef = { id: parent.id!, queue: parent.queueQualifiedName };
    await queue.addBulk(children.map((c) => ({ name: c.name, data: c.data, opts: this.options({ jobId: c.jobId, parent: parentRef, failParentOnFailure: true }) })));
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
    await this.queueNamed(JOB_QUEUES[name]).add(name, data, this.options({ ...options, jobId: jobId(name, ...keys) }));
  }

  private options(overrides: JobsOptions): JobsOptions {
    return jobOptions(this.config.queueRetryDelayMs, overrides);
  }

  /**
   * A file retention sweep a little later (after the transaction that ended a batch has committed). One per
   * reason: a batch ending twice (a retried stage) still sweeps once.
   */
  async sweepFilesSoon(reason: string): Promise<void> {
    await this.add('file-retention', { reason }, [reason], { attempts: 3, delay: 2000, removeOnComplete: true });
  }

  /** Runs a job every `everyMs`, once across all processes; a run that fails waits for the next. */
  async scheduleEvery<N extends JobName>(name: N, everyMs: number, data: JobPayloads[N]): Promise<void> {
    await this.queueNamed(JOB_QUEUES[name]).upsertJobScheduler(`${name}-every`, { every: everyMs }, { name, data, opts: this.options({ attempts: 1 }) });
  }
}
