import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { FileStore } from '../../storage/file-store';
import { batchFiles } from './batch-files';
import { BatchesRepository } from './batches.repository';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** A temporary upload file older than this belongs to no request any more: its process died mid-upload. */
const ABANDONED_UPLOAD_MS = 3600_000;
const BATCHES_PER_ROUND = 500;

/**
 * Uploaded files and rejection reports are personal data (raw e-mail addresses, names): once a batch has ended
 * (done, failed or retracted), its file is deleted after SOURCE_RETENTION_DAYS (default 0: at once) and its
 * rejection report after REPORT_RETENTION_DAYS (default 30). Counts, rows and signers are not touched.
 * A batch that failed because a stage gave up (not because of its file) keeps its file RETRY_WINDOW_HOURS (default
 * 72) at least, so that an admin can retry it once the fault is fixed; one whose file was the problem loses it at
 * once, as the same file would only fail again.
 */
@Injectable()
export class FileRetentionService {
  private readonly logger = new Logger(FileRetentionService.name);

  constructor(
    private readonly batches: BatchesRepository,
    private readonly files: FileStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<{ sources: number; reports: number; temporary: number }> {
    const now = this.clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const sources = await this.deleteEnded(
      'source',
      { endedBefore: ago(this.config.sourceRetentionDays * DAY_MS), retryableEndedBefore: ago(this.config.retryWindowHours * HOUR_MS) },
      now,
      (id) => [batchFiles(id).upload],
    );
    const reports = await this.deleteEnded('reports', { endedBefore: ago(this.config.reportRetentionDays * DAY_MS) }, now, async (id) => [
      batchFiles(id).rejections,
      ...(await this.files.list(`batches/${id}`, /^rejections-\d+\.csv$/)).map((f) => f.key),
    ]);
    const abandoned = (await this.files.list('tmp')).filter((f) => now.getTime() - f.modifiedAt.getTime() > ABANDONED_UPLOAD_MS);
    for (const file of abandoned) await this.files.remove(file.key);
    const result = { sources, reports, temporary: abandoned.length };
    if (sources + reports + abandoned.length > 0) this.logger.log(result, 'deleted files past their retention');
    return result;
  }

  /** Deletes the files of batches that ended at or before `endedBefore` (`retryableEndedBefore` for one that may be retried). */
  private async deleteEnded(
    kind: 'source' | 'reports',
    { endedBefore, retryableEndedBefore }: { endedBefore: Date; retryableEndedBefore?: Date },
    now: Date,
    keysOf: (batchId: string) => string[] | Promise<string[]>,
  ): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await this.batches.endedWithFiles(kind, endedBefore, BATCHES_PER_ROUND, retryableEndedBefore);
      for (const id of ids) {
        for (const key of await keysOf(id)) await this.files.remove(key);
        await this.batches.markFilesDeleted(id, kind, now);
      }
      deleted += ids.length;
      if (ids.length < BATCHES_PER_ROUND) return deleted;
    }
  }
}
