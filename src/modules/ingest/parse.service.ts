import { Inject, Injectable, Logger } from '@nestjs/common';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { parse as csvParse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { FileStore } from '../../storage/file-store';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Batch } from './batch.entity';
import { BatchesRepository } from './batches.repository';
import { batchFiles } from './batch-files';
import { ParseFailure } from './parse-failure';
import { COPY_SIGNATURES_SQL, RowCounts, RowStream } from './row-stream';
import { toLuxonFormat } from './signed-at';
import { sniffDelimiter } from './sniff';

const SNIFF_BYTES = 64 * 1024;
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
    if (size === 0) throw new ParseFailure('The file is empty. Export the signatures again and upload the new file.');

    const rejections = stringify();
    const rejectionsFile = rejections.pipe(await this.files.writeStream(batchFiles(batch.id).rejections));
    const rows = new RowStream({
      batchId: batch.id,
      campaignId: campaign.id,
      explicitMapping: batch.mapping,
      rejections,
      rules: {
        sectionCountry: section.country,
        sectionDeliveryPoint: section.defaultDeliveryPointCode,
        route: await this.campaigns.router(campaign),
        hmacSecret: this.config.hmacSecret,
        timezone: campaign.timezone,
        dateFormat: batch.dateFormat ? toLuxonFormat(batch.dateFormat) : null,
        uploadedAt: batch.createdAt,
      },
    });

    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    await runner.startTransaction();
    try {
      await runner.query('DELETE FROM signatures WHERE batch_id = $1', [batch.id]);
      await pipeline(
        this.files.readStream(upload),
        this.progressMeter(batch.id, size),
        csvParse({ delimiter: await this.sniff(upload), bom: true, relax_column_count: true, skip_empty_lines: true }),
        rows,
        client.query(copyFrom(COPY_SIGNATURES_SQL)),
      );
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
      throw this.explain(error);
    } finally {
      await runner.release();
    }
  }

  private async sniff(key: string): Promise<string> {
    const handle = await open(this.files.path(key), 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
      return sniffDelimiter(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  }

  /** Passes the file through, writing how far parsing has got to the batch (at most twice a second). */
  private progressMeter(batchId: string, size: number): Transform {
    let read = 0;
    let last = Date.now();
    const batches = this.batches;
    return new Transform({
      transform(chunk: Buffer, _, done) {
        read += chunk.length;
        if (Date.now() - last >= PROGRESS_EVERY_MS) {
          last = Date.now();
          batches.setProgress(batchId, 0.01 + (PARSED_PROGRESS - 0.01) * (read / size)).catch(() => undefined);
        }
        done(null, chunk);
      },
    });
  }

  /** csv-parse errors describe a broken file, not a passing fault: they fail the batch instead of retrying. */
  private explain(error: unknown): unknown {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      return new ParseFailure(`The file is not readable as CSV: ${(error as Error).message}. Export it again as CSV (UTF-8) and upload the new file.`);
    }
    return error;
  }
}
