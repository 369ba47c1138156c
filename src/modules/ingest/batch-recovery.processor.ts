import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { BatchRecoveryService, RecoveryResult } from './batch-recovery.service';

/** Runs the recovery sweep every RECOVERY_SWEEP_EVERY_MS, and once when a worker process starts. */
@Injectable()
export class BatchRecoveryProcessor implements Processor<'recover-batches'>, OnApplicationBootstrap {
  readonly jobs = ['recover-batches'] as const;
  private readonly logger = new Logger(BatchRecoveryProcessor.name);

  constructor(private readonly recovery: BatchRecoveryService) {}

  /** Batches left stuck while no worker ran (all of them crashed, or Redis came back empty) move on at once. */
  onApplicationBootstrap(): void {
    this.recovery.sweep().catch((error: Error) => this.logger.error({ error: error.message }, 'recovery sweep at start failed'));
  }

  handle(): Promise<RecoveryResult> {
    return this.recovery.sweep();
  }

  /** Nothing waits on a sweep; the next one tries again. */
  async giveUp(_job: JobContext<'recover-batches'>, error: Error): Promise<void> {
    this.logger.error({ error: error.message }, 'recovery sweep failed');
  }
}
