import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Job as BullJob, WaitingChildrenError, Worker } from 'bullmq';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { JOB_OBSERVER, JobObserver } from './job-observer';
import { JobQueue } from './job-queue';
import { assertOneHandlerPerJob, isJobName, JOB_QUEUES, JobName, JobPayloads, QUEUE_NAMES, QueueName } from './jobs';
import { ChildJob, JobContext, Processor, PROCESSORS } from './processor';
import { redisConnectionOptions } from './redis-connection';

/**
 * A job whose worker died (its lock lapsed) is run again by another worker this many times; the next time it is
 * failed for good and given up, so a job that kills its worker (a file that exhausts memory) stops after three.
 */
const MAX_STALLS = 2;

/**
 * Runs one BullMQ worker per queue in this process (the API process by default, or `node dist/src/worker.js`).
 * Any number of such processes may share one Redis and one Postgres.
 */
@Injectable()
export class WorkersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('workers');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESSORS) private readonly processors: Processor[],
    private readonly jobs: JobQueue,
    /** Metrics (src/observability); absent in a process that keeps none. */
    @Optional() @Inject(JOB_OBSERVER) private readonly observer?: JobObserver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    assertOneHandlerPerJob(this.processors.flatMap((p) => p.jobs));
    for (const queue of QUEUE_NAMES) this.workers.push(this.start(queue, this.processors.filter((p) => p.jobs.some((name) => JOB_QUEUES[name] === queue))));
    if (this.config.reconcileEveryMs > 0) await this.jobs.scheduleEvery('reconcile', this.config.reconcileEveryMs, {});
    // Ended batches' files are swept on a schedule too (and when a batch ends; at start, see FileRetentionProcessor).
    if (this.config.fileSweepEveryMs > 0) await this.jobs.scheduleEvery('file-retention', this.config.fileSweepEveryMs, { reason: 'schedule' });
    // Stuck batches are looked for on a schedule too (and at start, see BatchRecoveryProcessor).
    if (this.config.recoverySweepEveryMs > 0) await this.jobs.scheduleEvery('recover-batches', this.config.recoverySweepEveryMs, {});
    this.logger.log(`workers running for ${QUEUE_NAMES.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  /** One worker per queue; each job goes to the processor of its name. */
  private start(queue: QueueName, processors: Processor[]): Worker {
    const concurrencies = processors.flatMap((p) => (p.concurrency === undefined ? [] : [p.concurrency]));
    const worker = new Worker<JobPayloads[JobName], unknown, string>(
      queue,
      (job, token) => {
        const context = this.context(job, token);
        return this.observed(queue, context.name, () => this.processorOf(context.name).handle(context));
      },
      {
        connection: redisConnectionOptions(this.config.redisUrl),
        prefix: `${this.config.redisPrefix}:bull`,
        concurrency: concurrencies.length > 0 ? Math.min(...concurrencies) : this.config.workerConcurrency,
        // A running job renews its lock every lockDuration/2; a killed worker's lock lapses within lockDuration, and
        // the check every lockDuration/2 hands its job to another worker: within 1.5 × QUEUE_LOCK_MS (45 s by default).
        lockDuration: this.config.queueLockMs,
        stalledInterval: this.config.queueLockMs / 2,
        maxStalledCount: MAX_STALLS,
      },
    );
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.logger.warn({ queue, jobId: job.id, attempt: job.attemptsMade, error: error.message }, 'job failed');
      // `finishedOn` is set only when BullMQ moved the job to failed for good: its last attempt failed, or it stalled
      // more than MAX_STALLS times. Otherwise it waits for its next attempt.
      if (job.finishedOn !== undefined && isJobName(job.name)) {
        this.giveUp(job, error).catch((e: Error) => this.logger.error({ queue, jobId: job.id, error: e.message }, 'giving up a job failed'));
      }
    });
    worker.on('error', (error) => this.logger.error({ queue, error: error.message }, 'worker error'));
    return worker;
  }

  /**
   * Runs the processor's give-up for a job failed for good, so that its batch says why instead of waiting forever.
   * A parent that failed only because a child did (`failParentOnFailure`) is left to the child's give-up, which
   * names the real cause. A give-up that fails (the database still down) is done later by the recovery sweep.
   */
  private async giveUp(job: BullJob<JobPayloads[JobName], unknown, string>, error: Error): Promise<void> {
    const { failed: failedChildren } = await job.getDependenciesCount({ failed: true });
    if (failedChildren) return;
    const context = this.context(job);
    await this.processorOf(context.name).giveUp(context, error);
  }

  /** The one processor of a job name (checked at start). */
  private processorOf(name: JobName): Processor {
    return this.processors.find((p) => p.jobs.includes(name))!;
  }

  /** The queues whose worker in this process is not running (closed or never started), for the readiness check. */
  stopped(): QueueName[] {
    return this.workers.filter((w) => !w.isRunning()).map((w) => w.name as QueueName);
  }

  /** Runs a handler and tells the observer how long it took and how it ended; a parked job has not ended. */
  private async observed(queue: QueueName, name: JobName, handle: () => Promise<unknown>): Promise<unknown> {
    const started = performance.now();
    const run = () => ({ queue, name, seconds: (performance.now() - started) / 1000 });
    try {
      const result = await handle();
      this.observer?.completed(run(), result);
      return result;
    } catch (error) {
      if (!(error instanceof WaitingChildrenError)) this.observer?.failed(run());
      throw error;
    }
  }

  /**
   * What a processor sees of a BullMQ job; `token` is the worker's lock on it, needed to park it. This is where
   * a payload read back from Redis is taken to be of its name's type: the producer (JobQueue) typed it so.
   */
  private context(job: BullJob<JobPayloads[JobName], unknown, string>, token?: string): JobContext {
    if (!isJobName(job.name)) throw new Error(`job ${job.id} has no handler: unknown job name "${job.name}"`);
    const controls = {
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      fanOut: async (children: ChildJob[], next: Partial<JobPayloads[JobName]>) => {
        if (!token) throw new Error(`job ${job.id} cannot fan out outside its processor`);
        await this.jobs.addChildren(job, children);
        // Saved before parking, so the job resumes at its next step, also after a crash and retry.
        await job.updateData({ ...job.data, ...next });
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      },
      childResults: async <T>() => Object.values(await job.getChildrenValues()) as T[],
    };
    return { name: job.name, data: job.data, ...controls } as JobContext;
  }
}
