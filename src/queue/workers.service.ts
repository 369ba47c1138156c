import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { JobQueue } from './job-queue';
import { assertOneProcessorPerQueue, JobName } from './jobs';
import { Processor, PROCESSORS } from './processor';
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
    const context = (job: Job) => ({ name: job.name as JobName, data: job.data, finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
    const worker = new Worker(processor.queue, (job) => processor.handle(context(job) as never), {
      connection: redisConnectionOptions(this.config.redisUrl),
      prefix: `${this.config.redisPrefix}:bull`,
      concurrency: this.config.workerConcurrency,
      // A killed worker's job is handed to another after the lock lapses; long jobs renew it every lockDuration/2.
      lockDuration: this.config.queueLockMs,
      stalledInterval: this.config.queueLockMs,
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.logger.warn({ queue: processor.queue, jobId: job.id, attempt: job.attemptsMade, error: error.message }, 'job failed');
      if (job.attemptsMade >= (job.opts.attempts ?? 1) && processor.giveUp) {
        processor.giveUp(context(job) as never, error).catch((e) => this.logger.error(e));
      }
    });
    worker.on('error', (error) => this.logger.error({ queue: processor.queue, error: error.message }, 'worker error'));
    return worker;
  }
}
