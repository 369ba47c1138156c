import { Inject, Injectable, Logger } from '@nestjs/common';
import { finished, pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { FileStore } from '../../storage/file-store';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Section } from '../campaigns/section.entity';
import { Batch } from './batch.entity';
import { BatchesRepository } from './batches.repository';
import { batchFiles } from './batch-files';
import { ParseFailure } from './parse-failure';
import { openRecords, readFailure } from './file-reader';
import { RowRules } from './row-normaliser';
import { COPY_SIGNATURES_SQL, RowCounts, RowStream } from './row-stream';
import { toLuxonFormat } from './signed-at';

const PROGRESS_EVERY_MS = 500;
/** Share of a batch's progress bar that parsing fills; dedupe and aggregate fill the rest. */
export const PARSED_PROGRESS = 0.8;

/**
 * Stage 1 of a batch: stream the uploaded file through validation into `signatures` with COPY, in one
 * transaction. A crash at any point rolls the transaction back and the retried job starts clean; nothing
 * parsed here is counted until the dedupe stage commits it.
 */
@Injectable()
export class ParseService {
  private readonly logger = new Logger(ParseService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly batches: BatchesRepository,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly files: FileStore,
  ) {}

  async parse(batchId: string): Promise<void> {
    const batch = await this.batches.findById(batchId);
    if (!batch || !(await this.batches.transition(batchId, ['queued', 'parsing'], { status: 'parsing', progress: 0.01 }))) {
      return; // already parsed, failed or retracted: nothing to do
    }
    try {
      const counts = await this.copyIntoSignatures(batch);
      this.logger.log({ batchId, rows: counts.rows, accepted: counts.accepted, rejected: counts.rejected }, 'batch parsed');
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error; // transient: BullMQ retries the job
      this.logger.warn({ batchId, reason: error.message }, 'batch failed');
      await this.batches.fail(batchId, error.message);
    }
  }

  private async copyIntoSignatures(batch: Batch): Promise<RowCounts> {
    const campaign = await this.campaignsRepository.findById(batch.campaignId);
    const section = await this.campaignsRepository.findSectionById(batch.sectionId);
    if (!campaign || !section) throw new ParseFailure('The campaign or section of this batch no longer exists.');

    const upload = batchFiles(batch.id).upload;
    const size = (await this.files.size(upload)) ?? 0;

    const source = await openRecords(this.files.path(upload), this.progressReporter(batch.id, size));
    const rejections = stringify();
    const rejectionsFile = rejections.pipe(await this.files.writeStream(batchFiles(batch.id).rejections));
    const rows = new RowStream({
      batchId: batch.id,
      campaignId: campaign.id,
      explicitMapping: batch.mapping,
      rejections,
      rules: await this.rowRules(campaign, section, batch.dateFormat, batch.createdAt),
    });

    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    await runner.startTransaction();
    try {
      await runner.query('DELETE FROM signatures WHERE batch_id = $1', [batch.id]);
      await pipeline(source.records, rows, client.query(copyFrom(COPY_SIGNATURES_SQL)));
      rejections.end();
      await finished(rejectionsFile);

      const { counts } = rows;
      if (counts.rows === 0) throw new ParseFailure('The file has a header row but no data rows.');
      const moved = await this.batches.transition(
        batch.id,
        ['parsing'],
        { status: 'deduplicating', progress: PARSED_PROGRESS, rows: counts.rows, accepted: counts.accepted, rejected: counts.rejected, rejectionsByReason: counts.rejectionsByReason },
        runner.manager,
      );
      if (moved) await runner.commitTransaction();
      else await runner.rollbackTransaction(); // retracted while parsing
      return counts;
    } catch (error) {
      rejections.destroy();
      await runner.rollbackTransaction();
      throw readFailure(error);
    } finally {
      await runner.release();
    }
  }

  /** The validation rules for one batch's rows (shared with the preview, so a preview predicts the batch). */
  async rowRules(campaign: Campaign, section: Section, dateFormat: string | null, uploadedAt: Date): Promise<Omit<RowRules, 'columns'>> {
    return {
      sectionCountry: section.country,
      sectionDeliveryPoint: section.defaultDeliveryPointCode,
      route: await this.campaigns.router(campaign),
      hmacSecret: this.config.hmacSecret,
      timezone: campaign.timezone,
      dateFormat: dateFormat ? toLuxonFormat(dateFormat) : null,
      uploadedAt,
    };
  }

  /** Writes how far parsing has got to the batch, at most twice a second. */
  private progressReporter(batchId: string, size: number): (bytesRead: number) => void {
    let last = Date.now();
    return (read) => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      this.batches.setProgress(batchId, 0.01 + (PARSED_PROGRESS - 0.01) * (read / size)).catch(() => undefined);
    };
  }
}
