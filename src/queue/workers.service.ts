import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, WaitingChildrenError, Worker } from 'bullmq';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { JobQueue } from './job-queue';
import { assertOneProcessorPerQueue, JobName } from './jobs';
import { JobContext, Processor, PROCESSORS } from './processor';
import { redisConnectionOptions } from './redis-connection';

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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    assertOneProcessorPerQueue(this.processors.map((p) => p.queue));
    for (const processor of this.processors) this.workers.push(this.start(processor));
    if (this.config.reconcileEveryMs > 0) await this.jobs.scheduleReconcile(this.config.reconcileEveryMs);
    this.logger.log(`workers running for ${this.processors.map((p) => p.queue).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private start(processor: Processor): Worker {
    const worker = new Worker(processor.queue, (job, token) => processor.handle(this.context(job, token) as never), {
      connection: redisConnectionOptions(this.config.redisUrl),
      prefix: `${this.config.redisPrefix}:bull`,
      concurrency: processor.concurrency ?? this.config.workerConcurrency,
      // A killed worker's job is handed to another after the lock lapses; long jobs renew it every lockDuration/2.
      lockDuration: this.config.queueLockMs,
      stalledInterval: this.config.queueLockMs,
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.logger.warn({ queue: processor.queue, jobId: job.id, attempt: job.attemptsMade, error: error.message }, 'job failed');
      if (job.attemptsMade >= (job.opts.attempts ?? 1) && processor.giveUp) {
        processor.giveUp(this.context(job) as never, error).catch((e) => this.logger.error(e));
      }
    });
    worker.on('error', (error) => this.logger.error({ queue: processor.queue, error: error.message }, 'worker error'));
    return worker;
  }

  /** What a processor sees of a BullMQ job; `token` is the worker's lock on it, needed to park it. */
  private context(job: Job, token?: string): JobContext<JobName> {
    return {
      name: job.name as JobName,
      data: job.data,
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      fanOut: async (children, next) => {
        if (!token) throw new Error(`job ${job.id} cannot fan out outside its processor`);
        await this.jobs.addChildren(job, children);
        // Saved before parking, so the job resumes at its next step, also after a crash and retry.
        await job.updateData({ ...job.data, ...next });
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      },
      childResults: async <T>() => Object.values(await job.getChildrenValues()) as T[],
    };
  }
}
