import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { BatchStage, JobQueue } from '../../queue/job-queue';
import { FileStore } from '../../storage/file-store';
import { Batch } from './batch.entity';
import { BatchFailer } from './batch-failer';
import { batchFiles } from './batch-files';
import { BatchesRepository } from './batches.repository';

/** What the recovery sweep did: batches whose missing jobs it queued again, and batches it failed. */
export interface RecoveryResult {
  restarted: number;
  failed: number;
}

/** A stage as the coordinator reads it in the message of a failed batch. */
const STAGE_WORDS: Record<BatchStage, string> = { parse: 'Reading the file', dedupe: 'Counting the batch', aggregate: 'Publishing the totals' };

/**
 * Nothing stuck: finds the batches that stopped moving and finishes them, when a worker process starts and every
 * RECOVERY_SWEEP_EVERY_MS. A batch whose jobs are not in Redis (the process that took the upload died before queuing
 * them, Redis lost them, or queuing them failed) has its run queued again; as job ids derive from the batch, only
 * the missing jobs are added. A batch one of whose jobs failed for good while the batch did not fail (its give-up
 * did not get through: the database was still down, or the process died) is failed now, counting nothing. Batches
 * younger than RECOVERY_GRACE_MS are left alone: an upload may be queuing their jobs at this moment.
 *
 * It runs with the workers (src/workers.module.ts provides it): a stuck batch may be counted already, and failing it
 * then takes its signers back out, which the dedupe stage does (BatchFailer).
 */
@Injectable()
export class BatchRecoveryService {
  private readonly logger = new Logger(BatchRecoveryService.name);

  constructor(
    private readonly batches: BatchesRepository,
    private readonly jobs: JobQueue,
    private readonly failer: BatchFailer,
    private readonly files: FileStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<RecoveryResult> {
    const createdBefore = new Date(this.clock.now().getTime() - this.config.recoveryGraceMs);
    const result: RecoveryResult = { restarted: 0, failed: 0 };
    for (const batch of await this.batches.unfinishedCreatedBefore(createdBefore)) {
      const outcome = await this.recover(batch);
      if (outcome) result[outcome] += 1;
    }
    if (result.restarted + result.failed > 0) this.logger.warn(result, 'stuck batches recovered');
    return result;
  }

  private async recover(batch: Batch): Promise<keyof RecoveryResult | null> {
    const run = await this.jobs.batchRunState(batch);
    if (run.state === 'pending') return null;
    if (run.state === 'failed') {
      this.logger.error({ batchId: batch.id, stage: run.stage, reason: run.reason }, 'a stage of the batch gave up, but the batch had not failed');
      await this.failer.fail(batch.id, `${STAGE_WORDS[run.stage]} failed repeatedly. Nothing of this batch was counted; send it again, and tell your campaign lead if it keeps failing.`);
      return 'failed';
    }
    if (await this.lostItsFile(batch)) {
      this.logger.error({ batchId: batch.id }, 'the jobs of a batch were missing, and so was its uploaded file');
      await this.failer.fail(batch.id, 'The upload stopped before its file was stored. Nothing of it was counted; upload the file again.');
      return 'failed';
    }
    this.logger.warn({ batchId: batch.id, status: batch.status, attempt: batch.attempt }, 'the jobs of a batch were missing; queued again');
    await this.jobs.restartBatchRun(batch);
    return 'restarted';
  }

  /** A file that is still to be parsed needs its upload, which a process that died between the two never stored. */
  private async lostItsFile(batch: Batch): Promise<boolean> {
    const toParse = batch.kind === 'signatures' && (batch.status === 'queued' || batch.status === 'parsing');
    return toParse && (await this.files.size(batchFiles(batch.id).upload)) === null;
  }
}
