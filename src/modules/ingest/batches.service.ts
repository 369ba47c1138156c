import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DomainError, InvalidInputError, NotFoundError } from '../../common/errors';
import { Clock } from '../../common/clock';
import { AuditLog } from '../../audit/audit-log';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobQueue } from '../../queue/job-queue';
import { FileStore } from '../../storage/file-store';
import { assertSectionAccess } from '../auth/access';
import { User } from '../auth/user.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { assertNotPurged } from '../campaigns/purged-campaign';
import { Section } from '../campaigns/section.entity';
import { Batch } from './batch.entity';
import { batchView, BatchView, parseTallyBody, readingOptions } from './batch.dto';
import { batchFiles } from './batch-files';
import { BatchesRepository } from './batches.repository';
import { resolveCountry } from '../../domain/country';
import { unansweredQuestion } from './reading/detection';
import { readingOfFile } from './reading/file-sample';
import { checkTooSlow, withTimeLimit } from './time-limit';
import { ReceivedUpload } from './upload.receiver';

@Injectable()
export class BatchesService {
  private readonly logger = new Logger(BatchesService.name);

  constructor(
    private readonly batches: BatchesRepository,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly files: FileStore,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Registers an uploaded file as a batch and starts its flow. The same file for the same section returns the
   * existing batch instead (invariant 2), also when two uploads of it race.
   */
  async uploadFile(
    user: User,
    slug: string,
    sectionCode: string,
    receive: () => Promise<ReceivedUpload>,
  ): Promise<{ created: boolean; batch: BatchView }> {
    const { campaign, section } = await this.uploadTarget(user, slug, sectionCode);
    assertNotPurged(campaign, 'uploads');
    const upload = await receive();
    try {
      // What the upload does not say is detected from the file's first rows, as the preview does; a question
      // (dates that read two ways, two country columns) refuses the upload rather than guess.
      const sent = readingOptions(upload.fields, section, this.config);
      const path = this.files.path(upload.tempKey);
      const reading = await withTimeLimit(this.config.previewTimeLimitMs, checkTooSlow, (signal) => readingOfFile(path, sent, { limits: this.config, signal }), upload.clientGone);
      const question = unansweredQuestion(reading);
      if (question) throw new DomainError(422, 'reading_question', question);
      const { mapping, dateFormat } = reading;
      // `savePreset=true` makes this upload's mapping and date format (the detected one when none was sent) the
      // section's preset; a country column found by its values is not, as the next export may not have it.
      if (upload.fields.savePreset === 'true') {
        await this.campaignsRepository.savePreset(section.id, { presetMapping: sent.mapping, presetDateFormat: dateFormat });
      }

      const existing = await this.batches.findActiveByFile(section.id, upload.sha256);
      if (existing) return { created: false, batch: batchView(existing, section.code) };

      const batch = await this.audit.together(
        (tx) =>
          this.batches.insert(
            {
              campaignId: campaign.id,
              sectionId: section.id,
              kind: 'signatures',
              sha256: upload.sha256,
              originalName: upload.originalName,
              note: upload.fields.note?.trim() || null,
              mapping,
              dateFormat,
              uploadedBy: user.id ?? null,
            },
            tx,
          ),
        (inserted) =>
          inserted && { action: 'batch.upload', actor: user, campaignId: campaign.id, sectionCode: section.code, batchId: inserted.id, detail: { bytes: upload.size } },
      );
      if (!batch) {
        const winner = await this.batches.findActiveByFile(section.id, upload.sha256);
        if (!winner) throw new Error('lost an upload race but found no winning batch');
        return { created: false, batch: batchView(winner, section.code) };
      }
      await this.files.move(upload.tempKey, batchFiles(batch.id).upload);
      await this.jobs.startBatchFlow(batch.id, campaign.id);
      this.logger.log({ batchId: batch.id, campaign: slug, section: sectionCode, bytes: upload.size }, 'batch queued');
      return { created: true, batch: batchView(batch, section.code) };
    } finally {
      await this.files.remove(upload.tempKey); // no-op once moved
    }
  }

  /** Where an upload goes, checked before a byte of it is stored: a refused upload must not fill the disk. */
  async uploadTarget(user: User, slug: string, sectionCode: string): Promise<{ campaign: Campaign; section: Section }> {
    assertSectionAccess(user, sectionCode);
    const campaign = await this.campaigns.bySlug(slug);
    return { campaign, section: await this.campaigns.section(campaign, sectionCode) };
  }

  /** A count of paper signatures: counted in the headline total, never merged with online signers. */
  async createTally(user: User, slug: string, sectionCode: string, body: unknown): Promise<BatchView> {
    assertSectionAccess(user, sectionCode);
    const input = parseTallyBody(body, this.config);
    const campaign = await this.campaigns.bySlug(slug);
    const section = await this.campaigns.section(campaign, sectionCode);
    assertNotPurged(campaign, 'tallies');
    const country = input.country ? resolveCountry(input.country) : section.country;
    if (!country) throw new InvalidInputError('invalid_tally', `country "${input.country}" is not recognised; use a country name or ISO code like "NL".`);
    const route = await this.campaigns.router(campaign);
    const deliveryPointCode = route(country, null, section.defaultDeliveryPointCode);
    const batch = await this.audit.together(
      (tx) =>
        this.batches.insert(
          {
            campaignId: campaign.id,
            sectionId: section.id,
            kind: 'tally',
            progress: 0.9,
            tallyCount: input.count,
            tallyCountry: country,
            tallyDeliveryPointCode: deliveryPointCode,
            note: input.note?.trim() || null,
            uploadedBy: user.id ?? null,
            committedAt: this.clock.now(),
          },
          tx,
        ),
      (inserted) =>
        inserted && {
          action: 'tally.create',
          actor: user,
          campaignId: campaign.id,
          sectionCode: section.code,
          deliveryPointCode,
          batchId: inserted.id,
          detail: { count: input.count, country },
        },
    );
    if (!batch) throw new Error('tally insert returned no batch');
    await this.jobs.publishTally(campaign.id, batch.id);
    return batchView(batch, section.code);
  }

  /** A section's batches (uploads and tallies), newest first: the coordinator's section page lists them. */
  async listForSection(user: User, slug: string, sectionCode: string, limit = 200): Promise<BatchView[]> {
    const { campaign, section } = await this.uploadTarget(user, slug, sectionCode);
    return (await this.batches.listBySection(campaign.id, section.id, limit)).map((batch) => batchView(batch, section.code));
  }

  async get(user: User, id: string): Promise<BatchView> {
    const { batch, sectionCode } = await this.accessible(user, id);
    return batchView(batch, sectionCode);
  }

  /** The rejection report as stored by the parse stage (only a header row when nothing was rejected). */
  async rejectionsCsv(user: User, id: string): Promise<Readable> {
    const { batch } = await this.accessible(user, id);
    const key = batchFiles(batch.id).rejections;
    if ((await this.files.size(key)) === null) {
      return Readable.from([`row,reason,explanation\n`]);
    }
    return this.files.readStream(key);
  }

  /** Loads a batch and checks the user may see it; a batch of another section looks like no batch at all. */
  async accessible(user: User, id: string): Promise<{ batch: Batch; sectionCode: string }> {
    const batch = await this.batches.findById(id);
    const section = batch ? await this.campaignsRepository.findSectionById(batch.sectionId) : null;
    if (!batch || !section || (user.role !== 'admin' && !(user.role === 'coordinator' && user.sectionCode === section.code))) {
      throw new NotFoundError(`There is no batch ${id} that you can see.`);
    }
    return { batch, sectionCode: section.code };
  }
}
