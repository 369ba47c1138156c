import { Injectable } from '@nestjs/common';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { DomainError } from '../../common/errors';
import { Clock } from '../../common/clock';
import { FileStore } from '../../storage/file-store';
import { User } from '../auth/user.entity';
import { readingOptions } from './batch.dto';
import { BatchesService } from './batches.service';
import { openRecords, readFailure } from './file-reader';
import { ParseFailure } from './parse-failure';
import { ParseService } from './parse.service';
import { RowStream } from './row-stream';
import { ReceivedUpload } from './upload.receiver';

const SAMPLE_ROWS = 20;

/**
 * A dry run of an upload: reads and validates the whole file exactly as the parse stage would, and reports
 * what it found, without storing or counting anything. Lets a coordinator fix a mapping or date format first.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly batches: BatchesService,
    private readonly parse: ParseService,
    private readonly files: FileStore,
    private readonly clock: Clock,
  ) {}

  async preview(user: User, slug: string, sectionCode: string, receive: () => Promise<ReceivedUpload>) {
    const { campaign, section } = await this.batches.uploadTarget(user, slug, sectionCode);
    const upload = await receive();
    try {
      const { mapping, dateFormat } = readingOptions(upload.fields, section);
      const source = await openRecords(this.files.path(upload.tempKey));
      const discard = () => new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() });
      const rejections = stringify();
      rejections.pipe(discard());
      const rows = new RowStream({
        batchId: 'preview',
        campaignId: campaign.id,
        explicitMapping: mapping,
        rejections,
        sampleSize: SAMPLE_ROWS,
        rules: await this.parse.rowRules(campaign, section, dateFormat, this.clock.now()),
      });
      await pipeline(source.records, rows, discard());
      return {
        fileName: upload.originalName,
        sha256: upload.sha256,
        format: source.format,
        encoding: source.encoding,
        delimiter: source.delimiter === '\t' ? 'tab' : source.delimiter,
        headers: rows.headers,
        mapping: rows.mapping,
        dateFormat,
        ...rows.counts,
        sample: rows.sample,
      };
    } catch (caught) {
      const error = readFailure(caught);
      if (error instanceof ParseFailure) throw new DomainError(422, 'unreadable_file', error.message);
      throw error;
    } finally {
      await this.files.remove(upload.tempKey);
    }
  }
}
