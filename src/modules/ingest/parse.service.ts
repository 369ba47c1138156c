import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { safeCsvStream } from '../../common/safe-csv';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { ParseChunkPayload } from '../../queue/jobs';
import { FileStore } from '../../storage/file-store';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Section } from '../campaigns/section.entity';
import { Batch } from './batch.entity';
import { BatchStatusService } from './batch-status.service';
import { BatchesRepository } from './batches.repository';
import { batchFiles } from './batch-files';
import { splitAtRecords, wholeFile } from './reading/file-chunks';
import { openRecordRange, openRecords, readFailure, splittable } from './reading/file-reader';
import { ParseFailure } from './reading/parse-failure';
import { RowRules } from './reading/row-normaliser';
import { columnsOfHeader, RowCounts, RowLimits, RowStream } from './reading/row-stream';
import { SignaturesRepository } from './signatures.repository';
import { toLuxonFormat } from './reading/signed-at';
import { parseTooSlow, withTimeLimit } from './time-limit';

/** Share of a batch's progress bar that parsing fills; dedupe and aggregate fill the rest. */
export const PARSED_PROGRESS = 0.8;
const PLANNED_PROGRESS = 0.01;
const PROGRESS_EVERY_MS = 500;

/** What a parsed chunk reports to the parse job; null when the batch had stopped parsing. */
export type ChunkResult = ({ index: number; chunks: number } & RowCounts) | null;

/**
 * Stage 1 of a batch: read the uploaded file, validate its rows and COPY them into `signatures`.
 *
 * A large CSV is split at record boundaries (`plan`) and its chunks are parsed by separate jobs (`parseChunk`),
 * in parallel on every worker process. Each chunk is one transaction that first deletes its own row range, so a
 * retried chunk starts clean. `finish` adds up the chunks and hands the batch to dedupe; nothing parsed is
 * counted before dedupe commits it.
 */
@Injectable()
export class ParseService {
  private readonly logger = new Logger(ParseService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signatures: SignaturesRepository,
    private readonly batches: BatchesRepository,
    private readonly status: BatchStatusService,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly files: FileStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Reads the header row (a file whose columns cannot be mapped fails here, before any row is parsed) and
   * splits the file into chunks. Returns the chunk jobs to run, or null when the batch needs no parsing.
   */
  async plan(batchId: string): Promise<ParseChunkPayload[] | null> {
    const batch = await this.batches.findById(batchId);
    if (!batch || !(await this.status.move(batchId, 'parsing', { progress: PLANNED_PROGRESS }))) {
      return null; // already parsed, failed or retracted: nothing to do
    }
    return this.failingBatchOn(batchId, async (signal) => {
      const upload = this.files.path(batchFiles(batchId).upload);
      const source = await openRecords(upload, { limits: this.config, signal });
      const header = await firstRecord(source.records);
      if (!header) throw new ParseFailure('The file is empty: it has no header row and no data rows.');
      columnsOfHeader(header, batch.mapping);

      const whole = [{ batchId, chunk: wholeFile(), chunks: 1, csv: null }];
      if (source.format !== 'csv' || !splittable(source.encoding)) return whole;
      const chunks = await splitAtRecords(upload, this.config.parseChunkBytes, signal);
      if (!chunks) return whole;
      const csv = { encoding: source.encoding, delimiter: source.delimiter! };
      this.logger.log({ batchId, chunks: chunks.length }, 'batch split');
      return chunks.map((chunk) => ({ batchId, chunk, chunks: chunks.length, csv: { ...csv, header: chunk.index === 0 ? null : header } }));
    });
  }

  /** Parses one chunk into `signatures`, in one transaction, and writes its part of the rejection report. */
  async parseChunk(job: ParseChunkPayload): Promise<ChunkResult> {
    const batch = await this.batches.findById(job.batchId);
    if (batch?.status !== 'parsing') return null;
    return this.failingBatchOn(job.batchId, (signal) => this.copyChunk(batch, job, signal));
  }

  /** Adds up the chunks' counts, joins their rejection reports and hands the batch to dedupe. */
  async finish(batchId: string, results: ChunkResult[]): Promise<void> {
    const batch = await this.batches.findById(batchId);
    if (batch?.status !== 'parsing') return; // a chunk failed it, or it was retracted
    const chunks = results.filter((r): r is NonNullable<ChunkResult> => r !== null).sort((a, b) => a.index - b.index);
    if (chunks.length !== results.length || chunks.length !== chunks[0]?.chunks) {
      throw new Error(`batch ${batchId}: ${chunks.length} of ${chunks[0]?.chunks ?? '?'} chunks reported`); // retried
    }
    const counts = addUp(chunks);
    const files = batchFiles(batchId);
    await this.files.concatenate(chunks.map((c) => files.rejectionsPart(c.index)), files.rejections);
    if (counts.rows === 0) {
      await this.status.fail(batchId, 'The file has a header row but no data rows.');
      return;
    }
    await this.status.move(batchId, 'deduplicating', { progress: PARSED_PROGRESS, ...counts });
    await Promise.all(chunks.map((c) => this.files.remove(files.rejectionsPart(c.index))));
    this.logger.log({ batchId, chunks: chunks.length, rows: counts.rows, accepted: counts.accepted, rejected: counts.rejected }, 'batch parsed');
  }

  private async copyChunk(batch: Batch, job: ParseChunkPayload, signal: AbortSignal): Promise<ChunkResult> {
    const campaign = await this.campaignsRepository.findById(batch.campaignId);
    const section = await this.campaignsRepository.findSectionById(batch.sectionId);
    if (!campaign || !section) throw new ParseFailure('The campaign or section of this batch no longer exists.');

    const { chunk, csv } = job;
    const upload = this.files.path(batchFiles(batch.id).upload);
    const records = csv
      ? openRecordRange(upload, csv.encoding, csv.delimiter, chunk, signal)
      : (await openRecords(upload, { limits: this.config, signal, onBytes: await this.progressReporter(batch.id) })).records;
    const rejections = safeCsvStream();
    const rejectionsFile = rejections.pipe(await this.files.writeStream(batchFiles(batch.id).rejectionsPart(chunk.index)));
    const rows = new RowStream({
      limits: this.rowLimits(),
      batchId: batch.id,
      campaignId: campaign.id,
      explicitMapping: batch.mapping,
      rejections,
      rules: await this.rowRules(campaign, section, batch.dateFormat, batch.createdAt),
      chunk: csv?.header ? { header: csv.header, rowsBefore: chunk.rowsBefore } : undefined,
    });

    const range = { after: chunk.rowsBefore, upTo: chunk.end === null ? null : chunk.rowsBefore + chunk.rows };
    try {
      const committed = await this.signatures.replaceRows(
        batch.id,
        range,
        (copy) => pipeline(records, rows, copy),
        async (tx) => {
          rejections.end();
          await finished(rejectionsFile);
          if (csv && rows.records !== chunk.rows) {
            // The split and csv-parse disagree on where rows end: only a malformed file gets here.
            throw new ParseFailure(`The file's rows could not be told apart reliably near line ${chunk.linesBefore + 1}. Export it again as CSV and upload the new file.`);
          }
          // False (roll back) when the batch failed or was retracted meanwhile.
          return this.batches.addParseProgress(batch.id, (PARSED_PROGRESS - PLANNED_PROGRESS) / job.chunks, PARSED_PROGRESS, tx);
        },
      );
      return committed ? { index: chunk.index, chunks: job.chunks, ...rows.counts } : null;
    } catch (error) {
      rejections.destroy();
      rejectionsFile.destroy(); // a pipe leaves its destination open when the source is destroyed
      throw readFailure(error, { lines: chunk.linesBefore, records: chunk.rowsBefore + (chunk.index > 0 ? 1 : 0) });
    }
  }

  /**
   * Progress while a file that is not split (XLSX, UTF-16) is read, at most twice a second; a split file's
   * progress moves as its chunks commit.
   */
  private async progressReporter(batchId: string): Promise<(bytesRead: number) => void> {
    const size = (await this.files.size(batchFiles(batchId).upload)) ?? 0;
    let last = this.clock.now().getTime();
    return (read) => {
      const now = this.clock.now().getTime();
      if (now - last < PROGRESS_EVERY_MS || size === 0) return;
      last = now;
      const progress = PLANNED_PROGRESS + (PARSED_PROGRESS - PLANNED_PROGRESS) * (read / size);
      this.batches.setParseProgress(batchId, progress).catch(() => undefined);
    };
  }

  /**
   * Runs a step within PARSE_TIME_LIMIT_MS. A ParseFailure (the file itself is wrong, or took too long to read:
   * another try would take as long) fails the batch with its message; anything else is retried.
   */
  private async failingBatchOn<T>(batchId: string, step: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    try {
      return await withTimeLimit(this.config.parseTimeLimitMs, parseTooSlow, step);
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error; // transient: BullMQ retries the job
      this.logger.warn({ batchId, reason: error.message }, 'batch failed');
      await this.status.fail(batchId, error.message);
      return null;
    }
  }

  /** How large a file may be (shared with the preview). */
  rowLimits(): RowLimits {
    return { rows: this.config.maxRowsPerBatch, columns: this.config.maxColumns, fieldChars: this.config.maxFieldChars };
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
}

/** The header row of a file: its first record. Reading stops there. */
async function firstRecord(records: Readable): Promise<string[] | null> {
  try {
    for await (const record of records) return record as string[];
    return null;
  } catch (error) {
    throw readFailure(error);
  }
}

function addUp(chunks: RowCounts[]): RowCounts {
  const total: RowCounts = { rows: 0, accepted: 0, rejected: 0, rejectionsByReason: {} };
  for (const c of chunks) {
    total.rows += c.rows;
    total.accepted += c.accepted;
    total.rejected += c.rejected;
    for (const [reason, n] of Object.entries(c.rejectionsByReason) as [keyof RowCounts['rejectionsByReason'], number][]) {
      total.rejectionsByReason[reason] = (total.rejectionsByReason[reason] ?? 0) + n;
    }
  }
  return total;
}
