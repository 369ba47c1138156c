import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log';
import { ConflictError, NotFoundError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobQueue } from '../../queue/job-queue';
import { FileStore } from '../../storage/file-store';
import { User } from '../auth/user.entity';
import { Batch } from './batch.entity';
import { batchView, BatchView } from './batch.dto';
import { batchFiles } from './batch-files';
import { BatchStatusService } from './batch-status.service';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';

/**
 * An admin's retry of a failed batch (`POST /api/batches/:id/retry`, `batches:retry`): a batch that failed because
 * a stage gave up (the database, Redis or the workers kept failing) goes through all its stages again, from its
 * stored file, as a new run. A batch whose file was the problem would only fail again, and a tally has no file to
 * read: both are refused, as is a batch whose file is deleted already (RETRY_WINDOW_HOURS after it failed).
 */
@Injectable()
export class BatchRetryService {
  private readonly logger = new Logger(BatchRetryService.name);

  constructor(
    private readonly batchesService: BatchesService,
    private readonly batches: BatchesRepository,
    private readonly status: BatchStatusService,
    private readonly files: FileStore,
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async retry(user: User, id: string): Promise<BatchView> {
    const { sectionCode } = await this.batchesService.accessible(user, id);
    const retried = await this.batches.withLocked(id, async (tx, batch) => {
      if (!batch) throw new NotFoundError(`There is no batch ${id}.`);
      await this.assertRetryable(batch);
      const retrying = await this.status.retryLocked(tx, batch);
      await this.audit.record(tx, { action: 'batch.retry', actor: user, campaignId: batch.campaignId, sectionCode, batchId: id, detail: { attempt: retrying.attempt } });
      return retrying;
    });
    // Should this fail (Redis down), the recovery sweep queues the run a little later.
    await this.jobs.startBatchFlow(retried.id, retried.campaignId, retried.attempt);
    this.logger.log({ batchId: id, attempt: retried.attempt }, 'batch retried');
    return batchView(retried, sectionCode);
  }

  private async assertRetryable(batch: Batch): Promise<void> {
    if (batch.status !== 'failed') {
      throw new ConflictError('batch_not_failed', `This batch is ${batch.status}, not failed: there is nothing to retry.`);
    }
    if (batch.kind === 'tally') {
      throw new ConflictError('batch_not_retryable', 'A paper tally has no file to process again: record the tally again.');
    }
    if (batch.failureKind !== 'infrastructure') {
      throw new ConflictError('batch_not_retryable', `This batch failed because of its file, which would fail again (${batch.error}). Fix the file and upload it again.`);
    }
    if (batch.sourceDeletedAt || (await this.files.size(batchFiles(batch.id).upload)) === null) {
      throw new ConflictError('batch_file_deleted', `The file of this batch is deleted (a failed batch keeps it ${this.config.retryWindowHours} hours): upload it again.`);
    }
    const again = await this.batches.findActiveByFile(batch.sectionId, batch.sha256!);
    if (again) {
      throw new ConflictError('batch_uploaded_again', `The same file was uploaded again as batch ${again.id}, which counts it: there is nothing to retry.`);
    }
  }
}
