import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse';
import { ForbiddenError, NotFoundError } from '../../../common/errors';
import { User } from '../../auth/user.entity';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { DedupeService } from '../../dedupe/dedupe.service';
import { batchView, BatchView } from '../../ingest/batch.dto';
import { BatchesService } from '../../ingest/batches.service';
import { CANONICAL_FIELDS, mapHeaders } from '../../ingest/reading/header-mapping';
import { PresetsService } from '../../ingest/presets.service';
import { FileCheck, PreviewService } from '../../ingest/preview.service';
import { ReceivedUpload } from '../../ingest/upload.receiver';
import { TotalsService } from '../../totals/totals.service';

/** Rejected rows shown on a batch's page; the rest are in rejections.csv. */
const REJECTED_ROWS_SHOWN = 20;

export interface SectionNumbers {
  online: number;
  offline: number;
  total: number;
  worldwide: number;
  share: number;
}

/**
 * What a coordinator's pages show, gathered from the services the API uses, with the same access rules. A
 * section or batch the person may not see is answered as not found, so a page never confirms it exists.
 */
@Injectable()
export class SectionPagesService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly batches: BatchesService,
    private readonly previews: PreviewService,
    private readonly presets: PresetsService,
    private readonly totals: TotalsService,
    private readonly dedupe: DedupeService,
  ) {}

  async home(user: User, slug: string, code: string) {
    const batches = await hidden(this.batches.listForSection(user, slug, code), code);
    const [place, numbers, preset] = await Promise.all([this.place(slug, code), this.numbers(user, slug, code), this.presets.get(user, slug, code)]);
    return { ...place, batches: batches.filter((b) => b.kind === 'signatures'), tallies: batches.filter((b) => b.kind === 'tally'), numbers, preset };
  }

  /** The section's counted signers (online and paper) and its share of the worldwide total. */
  async numbers(user: User, slug: string, code: string): Promise<SectionNumbers> {
    await hidden(this.batches.uploadTarget(user, slug, code), code);
    const [totals, counter] = await Promise.all([this.totals.forUser(user, slug), this.totals.publicCounter(slug)]);
    const mine = totals.bySection.find((s) => s.section === code) ?? { online: 0, offline: 0 };
    const worldwide = (JSON.parse(counter.json) as { total: number }).total;
    const total = mine.online + mine.offline;
    return { online: mine.online, offline: mine.offline, total, worldwide, share: worldwide > 0 ? total / worldwide : 0 };
  }

  /** The numbers with what their part of the page needs to reload itself. */
  async numbersPart(user: User, slug: string, code: string) {
    const numbers = await this.numbers(user, slug, code);
    return { ...(await this.place(slug, code)), numbers };
  }

  async uploadPage(user: User, slug: string, code: string) {
    await hidden(this.batches.uploadTarget(user, slug, code), code);
    return { ...(await this.place(slug, code)), preset: await this.presets.get(user, slug, code) };
  }

  /** A file checked before it counts, with what the mapping form needs: each field and the columns to choose from. */
  async check(user: User, slug: string, code: string, receive: () => Promise<ReceivedUpload>) {
    const check: FileCheck = await hidden(this.previews.check(user, slug, code, receive), code);
    // Without a preview (its columns could not be read), the form starts from what the headers alone tell.
    const detected = Object.entries(mapHeaders(check.columns.map((c) => c.header)).columns).map(([field, i]) => [field, check.columns[i!].header]);
    const mapping: Record<string, string> = check.preview ? { ...check.preview.mapping } : Object.fromEntries(detected);
    return { ...(await this.place(slug, code)), ...check, fields: CANONICAL_FIELDS.map((field) => ({ field, column: mapping[field] ?? null })) };
  }

  count(user: User, slug: string, code: string, receive: () => Promise<ReceivedUpload>) {
    return hidden(this.batches.uploadFile(user, slug, code, receive), code);
  }

  async batch(user: User, id: string) {
    const { batch, sectionCode } = await this.batches.accessible(user, id);
    const campaign = (await this.campaignsRepository.findById(batch.campaignId))!;
    const [place, numbers, rejectedRows] = await Promise.all([
      this.place(campaign.slug, sectionCode),
      this.numbers(user, campaign.slug, sectionCode),
      batch.rejected > 0 ? this.firstRejectedRows(user, id) : { header: [], rows: [] },
    ]);
    return { ...place, numbers, batch: batchView(batch, sectionCode), rejectedRows };
  }

  /** A batch's status and counters alone, for the part of its page that refreshes while it is processed. */
  async batchStatus(user: User, id: string): Promise<BatchView> {
    return this.batches.get(user, id);
  }

  async retraction(user: User, id: string) {
    const effect = await this.dedupe.retractionEffect(user, id);
    const { batch } = await this.batches.accessible(user, id);
    const campaign = (await this.campaignsRepository.findById(batch.campaignId))!;
    return { ...(await this.place(campaign.slug, effect.batch.section)), ...effect };
  }

  async retract(user: User, id: string): Promise<string> {
    const retracted = await this.dedupe.retract(user, id);
    const { batch } = await this.batches.accessible(user, id);
    const campaign = (await this.campaignsRepository.findById(batch.campaignId))!;
    return sectionHref(campaign.slug, retracted.section);
  }

  async addTally(user: User, slug: string, code: string, form: { count?: string; country?: string; note?: string }) {
    const count = /^\s*\d+\s*$/.test(form.count ?? '') ? Number(form.count) : NaN;
    return hidden(
      this.batches.createTally(user, slug, code, { kind: 'tally', count, country: form.country?.trim() || undefined, note: form.note?.trim() || undefined }),
      code,
    );
  }

  private async place(slug: string, code: string) {
    const definition = await this.campaigns.definition(slug);
    const section = definition.sections.find((s) => s.code === code);
    if (!section) throw new NotFoundError(`Campaign "${slug}" has no section "${code}".`);
    return { campaign: { slug: definition.slug, title: definition.title, timezone: definition.timezone }, section, sectionHref: sectionHref(slug, code) };
  }

  private async firstRejectedRows(user: User, id: string): Promise<{ header: string[]; rows: string[][] }> {
    const report = await this.batches.rejectionsCsv(user, id);
    const records: string[][] = [];
    const parser = report.pipe(parse({ relax_column_count: true, to_line: REJECTED_ROWS_SHOWN + 1 }));
    for await (const record of parser) records.push(record as string[]);
    report.destroy();
    const [header = [], ...rows] = records;
    return { header, rows };
  }
}

export function sectionHref(slug: string, code: string): string {
  return `/campaigns/${encodeURIComponent(slug)}/sections/${encodeURIComponent(code)}`;
}

/** Another section's page is "not found" to a coordinator, as another section's batch already is in the API. */
async function hidden<T>(work: Promise<T>, code: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ForbiddenError) throw new NotFoundError(`There is no section ${code} that you can see.`);
    throw error;
  }
}
