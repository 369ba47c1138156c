import { Inject, Injectable } from '@nestjs/common';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { safeCsvStream } from '../../common/safe-csv';
import { DomainError } from '../../common/errors';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { FileStore } from '../../storage/file-store';
import { User } from '../auth/user.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { Section } from '../campaigns/section.entity';
import { readingOptions } from './batch.dto';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { CountryTally } from './reading/country-tally';
import { readingOfFile } from './reading/file-sample';
import { openRecords, readFailure } from './reading/file-reader';
import { ParseFailure } from './reading/parse-failure';
import { ParseService } from './parse.service';
import { RowStream } from './reading/row-stream';
import { checkTooSlow, withTimeLimit } from './time-limit';
import { ReceivedUpload } from './upload.receiver';

const SAMPLE_ROWS = 20;
/** Data rows read to find example values of each column for the mapping form. */
const COLUMN_SAMPLE_ROWS = 50;
const VALUES_PER_COLUMN = 2;

/** A column of the file with a couple of its values, so a coordinator can tell which column is which. */
export interface ColumnSample {
  header: string;
  values: string[];
}

/** The web app's check of a file: what a preview found, or why the rows could not be read, with the file's columns. */
export interface FileCheck {
  columns: ColumnSample[];
  preview: Preview | null;
  /** Set when the rows could not be read (e.g. no column holds a name): what to change. */
  problem: string | null;
  /** The batch this very file already became in this section, if any. */
  existingBatchId: string | null;
}

export type Preview = Awaited<ReturnType<PreviewService['read']>>;

/**
 * A dry run of an upload: reads and validates the whole file exactly as the parse stage would, and reports
 * what it found, without storing or counting anything. Lets a coordinator fix a mapping or date format first.
 * It is answered in the request, so reading stops after PREVIEW_TIME_LIMIT_MS (422, with what to do); the
 * uploaded file is removed however the check ends.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly batches: BatchesService,
    private readonly batchesRepository: BatchesRepository,
    private readonly parse: ParseService,
    private readonly files: FileStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The API's dry run: a file whose rows cannot be read answers 422 with what to change. */
  async preview(user: User, slug: string, sectionCode: string, receive: () => Promise<ReceivedUpload>): Promise<Preview> {
    const { campaign, section } = await this.batches.uploadTarget(user, slug, sectionCode);
    const upload = await receive();
    try {
      return await withTimeLimit(this.config.previewTimeLimitMs, checkTooSlow, (signal) => this.read(campaign, section, upload, signal), upload.clientGone);
    } catch (caught) {
      throw unreadable(caught);
    } finally {
      await this.files.remove(upload.tempKey);
    }
  }

  /**
   * The web app's check: the preview plus the file's columns with example values, and a file whose rows cannot
   * be read under its headers comes back with the problem instead of failing, so the page can offer a mapping.
   */
  async check(user: User, slug: string, sectionCode: string, receive: () => Promise<ReceivedUpload>): Promise<FileCheck> {
    const { campaign, section } = await this.batches.uploadTarget(user, slug, sectionCode);
    const upload = await receive();
    try {
      return await withTimeLimit(this.config.previewTimeLimitMs, checkTooSlow, async (signal) => {
        const columns = await this.columnSamples(upload, signal).catch((caught) => {
          throw unreadable(caught);
        });
        const existing = await this.batchesRepository.findActiveByFile(section.id, upload.sha256);
        const result = { columns, existingBatchId: existing?.id ?? null };
        try {
          return { ...result, preview: await this.read(campaign, section, upload, signal), problem: null };
        } catch (caught) {
          const error = readFailure(caught);
          if (error instanceof ParseFailure && !signal.aborted) return { ...result, preview: null, problem: error.message };
          throw error;
        }
      }, upload.clientGone);
    } finally {
      await this.files.remove(upload.tempKey);
    }
  }

  private async read(campaign: Campaign, section: Section, upload: ReceivedUpload, signal: AbortSignal) {
    const path = this.files.path(upload.tempKey);
    const options = { limits: this.config, signal };
    // The same detection as the upload (BatchesService.uploadFile), so the preview predicts the batch.
    const reading = await readingOfFile(path, readingOptions(upload.fields, section, this.config), options);
    const source = await openRecords(path, options);
    const rejections = safeCsvStream();
    rejections.pipe(discard());
    const countries = new CountryTally(reading.country?.column ?? null, section.country);
    const rows = new RowStream({
      limits: this.parse.rowLimits(),
      batchId: 'preview',
      campaignId: campaign.id,
      explicitMapping: reading.mapping,
      rejections,
      sampleSize: SAMPLE_ROWS,
      rules: await this.parse.rowRules(campaign, section, reading.dateFormat, this.clock.now()),
    });
    await pipeline(source.records, countries, rows, discard());
    return {
      fileName: upload.originalName,
      sha256: upload.sha256,
      format: source.format,
      encoding: source.encoding,
      delimiter: source.delimiter === '\t' ? 'tab' : source.delimiter,
      headers: rows.headers,
      mapping: rows.mapping,
      dateFormat: reading.dateFormat,
      ...rows.counts,
      sample: rows.sample,
      /** The platform the export looks like ("Engaging Networks"), or null. */
      platform: reading.platform,
      /** True when dateFormat was read from the file's dates rather than sent or saved. */
      dateFormatDetected: reading.dateFormatDetected,
      /** Set when the dates read two ways: the upload needs one of these formats. */
      dateQuestion: reading.dateQuestion,
      /** The column read as the country (null: every row counts for the section's country) and rows per country; null while asked. */
      countries: reading.countryQuestion ? null : { column: reading.country?.column ?? null, counts: countries.counts },
      /** Set when two columns could be the country: the upload needs a mapping that names one. */
      countryQuestion: reading.countryQuestion,
    };
  }

  /** The header row and the first values of each column; e-mail addresses are masked, as on every page. */
  private async columnSamples(upload: ReceivedUpload, signal: AbortSignal): Promise<ColumnSample[]> {
    const { records } = await openRecords(this.files.path(upload.tempKey), { limits: this.config, signal });
    let columns: ColumnSample[] | null = null;
    let read = 0;
    try {
      for await (const record of records as AsyncIterable<string[]>) {
        if (!columns) {
          columns = record.map((header) => ({ header, values: [] }));
          continue;
        }
        record.forEach((value, i) => {
          const column = columns![i];
          if (column && value.trim() && column.values.length < VALUES_PER_COLUMN) column.values.push(maskEmail(value.trim()));
        });
        if (++read >= COLUMN_SAMPLE_ROWS) break;
      }
    } finally {
      records.destroy();
    }
    return columns ?? [];
  }
}

function discard(): Writable {
  return new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() });
}

function unreadable(caught: unknown): unknown {
  const error = readFailure(caught);
  return error instanceof ParseFailure ? new DomainError(422, 'unreadable_file', error.message) : error;
}

/** `jane.doe@example.org` → `j…@example.org`: enough to recognise an e-mail column, not enough to name anyone. */
export function maskEmail(value: string): string {
  return value.replace(/([^\s@<>"',;]{1})[^\s@<>"',;]*@([^\s@<>"',;]+)/g, '$1…@$2');
}
