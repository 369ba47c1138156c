import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { FileRetentionService } from './file-retention.service';

/** Sweeps files past their retention: when a batch ends, hourly, and once when a worker process starts. */
@Injectable()
export class FileRetentionProcessor implements Processor<'file-retention'>, OnApplicationBootstrap {
  readonly jobs = ['file-retention'] as const;
  private readonly logger = new Logger(FileRetentionProcessor.name);

  constructor(private readonly retention: FileRetentionService) {}

  /** A process that crashed may have left partial uploads behind; the sweep at start removes them. */
  onApplicationBootstrap(): void {
    this.retention.sweep().catch((error: Error) => this.logger.error({ error: error.message }, 'file sweep at start failed'));
  }

  async handle(): Promise<void> {
    await this.retention.sweep();
  }

  /** Nothing waits on a sweep; the next one (at the latest within the hour) tries again. */
  async giveUp(job: JobContext<'file-retention'>, error: Error): Promise<void> {
    this.logger.error({ reason: job.data.reason, error: error.message }, 'file sweep failed');
  }
}
