import { Injectable } from '@nestjs/common';
import archiver from 'archiver';
import { PassThrough, Readable } from 'node:stream';
import { ConflictError, InvalidInputError, NotFoundError } from '../../common/errors';
import { AuditLog } from '../../audit/audit-log';
import { FileStore } from '../../storage/file-store';
import { assertDeliveryPointAccess, assertSectionAccess } from '../auth/access';
import { User } from '../auth/user.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignDefinition, paperSizeFor } from '../campaigns/campaign-definition';
import { CampaignsService } from '../campaigns/campaigns.service';
import { assertNotPurged } from '../campaigns/purged-campaign';
import { JobQueue } from '../../queue/job-queue';
import { Pack, packFiles } from './pack.entity';
import { isFrozenSource, packSource } from './pack-source';
import { PacksRepository } from './packs.repository';
import { fontBook } from './render/fonts';
import { writePaperForm } from './render/paper-form';

export interface PackView {
  deliveryPoint: string;
  /** Of the newest pack asked for: queued, generating, done or failed. */
  status: Pack['status'];
  /** The finished pack no longer matches its delivery point's signers (or the campaign definition). */
  stale: boolean | null;
  frozen: boolean | null;
  signatures: number | null;
  online: number | null;
  offline: number | null;
  withheld: number | null;
  /** Countries the signers come from, and every signer worldwide when the pack was made (for its share). */
  countries: number | null;
  worldwide: number | null;
  pages: number | null;
  /** SHA-256 of pack.pdf (of its first volume when split). */
  sha256: string | null;
  listSha256: string | null;
  volumes: { volume: number; from: number; to: number; pages: number; bytes: number; sha256: string }[];
  generatedAt: Date | null;
  countsAt: Date | null;
  error: string | null;
}

export interface PackFile {
  stream: Readable;
  name: string;
  sha256: string | null;
  stale: boolean;
}

/** Fewest signatures per volume one may ask for: smaller volumes would be mostly cover pages. */
const MIN_VOLUME_SIZE = 100;

/** Asking for packs, reporting on them and handing out their files. The rendering is PackGenerationService's. */
@Injectable()
export class PacksService {
  constructor(
    private readonly packs: PacksRepository,
    private readonly campaigns: CampaignsService,
    private readonly jobs: JobQueue,
    private readonly files: FileStore,
    private readonly audit: AuditLog,
  ) {}

  /**
   * (Re)generates the pack of every delivery point. A pack already made from the same signers (or freeze) and
   * definition is reused, so asking twice does the work once; a failed one is tried again.
   */
  async generateAll(actor: User, slug: string, body: unknown): Promise<{ packs: PackView[] }> {
    const volumeSize = parseVolumeSize(body);
    const campaign = await this.campaigns.bySlug(slug);
    assertNotPurged(campaign, 'new packs');
    const definition = await this.campaigns.definition(slug);
    const fingerprints = campaign.frozenAt ? new Map<string, string>() : await this.packs.liveFingerprints(campaign.id);
    const views: PackView[] = [];
    const queued: string[] = [];
    for (const point of definition.deliveryPoints) {
      const source = packSource(definition, campaign.frozenAt, fingerprints.get(point.code));
      const { pack, created } = await this.packs.findOrCreate({ campaignId: campaign.id, deliveryPointCode: point.code, source, volumeSize });
      if (created) {
        await this.jobs.generatePack(pack.id, pack.attempt);
        queued.push(point.code);
      } else if (pack.status === 'failed') {
        pack.attempt += 1;
        pack.status = 'queued';
        await this.packs.update(pack.id, { attempt: pack.attempt, status: 'queued', error: null });
        await this.jobs.generatePack(pack.id, pack.attempt);
        queued.push(point.code);
      }
      views.push(view(pack, pack.status === 'done' ? pack : null, source));
    }
    // One line for the request, after its packs are queued: each pack row is its own idempotent write, so there is
    // no single transaction to share; a request that failed half-way is recorded by what it queued when asked again.
    await this.audit.recordAlone({
      action: 'packs.generate',
      actor,
      campaignId: campaign.id,
      detail: { deliveryPoints: definition.deliveryPoints.length, queued: queued.length, volumeSize: volumeSize ?? null, frozen: campaign.frozenAt !== null },
    });
    return { packs: views };
  }

  async status(user: User, slug: string, code: string): Promise<PackView> {
    const { newest, done, current } = await this.packsOf(user, slug, code);
    return view(newest, done, current);
  }

  /** A pack's PDF (a volume of it when split); the newest finished one, even if stale, with that said. */
  async pdf(user: User, slug: string, code: string, volume = 1): Promise<PackFile> {
    const { done, current } = await this.packsOf(user, slug, code);
    if (!done) throw new ConflictError('pack_not_ready', `The pack of ${code} is not generated yet; try again in a minute.`);
    const file = done.volumes?.find((v) => v.volume === volume);
    if (!file) throw new NotFoundError(`The pack of ${code} has ${done.volumes?.length ?? 0} volume(s); there is no volume ${volume}.`);
    const suffix = done.volumes!.length > 1 ? `-volume-${volume}` : '';
    await this.recordDownload(user, done, 'pdf', volume);
    return { stream: this.files.readStream(packFiles(done.id).volume(volume)), name: `${slug}-${code}${suffix}.pdf`, sha256: file.sha256, stale: done.source !== current };
  }

  async csv(user: User, slug: string, code: string): Promise<PackFile> {
    const { done, current } = await this.packsOf(user, slug, code);
    if (!done) throw new ConflictError('pack_not_ready', `The signature list of ${code} is made with its pack, which is not generated yet.`);
    await this.recordDownload(user, done, 'csv');
    return { stream: this.files.readStream(packFiles(done.id).csv), name: `${slug}-${code}-signatures.csv`, sha256: done.listSha256, stale: done.source !== current };
  }

  /** Every finished pack of the campaign (all volumes and lists) in one ZIP, streamed, with a manifest. */
  async zip(user: User, slug: string): Promise<PackFile> {
    const campaign = await this.campaigns.bySlug(slug);
    const done = await this.packs.latestDone(campaign.id);
    if (done.length === 0) throw new ConflictError('no_packs', `No pack of "${slug}" is generated yet: POST /api/campaigns/${slug}/packs first.`);
    await this.audit.recordAlone({ action: 'pack.download', actor: user, campaignId: campaign.id, detail: { format: 'zip', packs: done.length } });
    const archive = archiver('zip', { store: true }); // PDFs are compressed already
    const manifest = ['delivery point,file,sha256,signatures,generated at'];
    for (const pack of done) {
      for (const v of pack.volumes ?? []) {
        const name = `${pack.deliveryPointCode}/${slug}-${pack.deliveryPointCode}${pack.volumes!.length > 1 ? `-volume-${v.volume}` : ''}.pdf`;
        archive.file(this.files.path(packFiles(pack.id).volume(v.volume)), { name });
        manifest.push(`${pack.deliveryPointCode},${name},${v.sha256},${(pack.online ?? 0) + (pack.offline ?? 0)},${pack.generatedAt?.toISOString()}`);
      }
      const list = `${pack.deliveryPointCode}/${slug}-${pack.deliveryPointCode}-signatures.csv`;
      archive.file(this.files.path(packFiles(pack.id).csv), { name: list });
      manifest.push(`${pack.deliveryPointCode},${list},${pack.listSha256},,${pack.generatedAt?.toISOString()}`);
    }
    archive.append(manifest.join('\n') + '\n', { name: 'manifest.csv' });
    // A file that vanished mid-stream must end the download with an error, not leave it hanging.
    const stream = new PassThrough();
    archive.on('error', (error) => stream.destroy(error));
    archive.finalize().catch(() => undefined); // reported through 'error' above
    return { stream: archive.pipe(stream), name: `${slug}-packs.zip`, sha256: null, stale: false };
  }

  /** A blank signature form for a section, in its petition's language, on the section country's paper. */
  async paperForm(user: User, slug: string, sectionCode: string): Promise<PackFile> {
    assertSectionAccess(user, sectionCode);
    const definition = await this.campaigns.definition(slug);
    const section = definition.sections.find((s) => s.code === sectionCode);
    if (!section) throw new NotFoundError(`Campaign "${slug}" has no section "${sectionCode}".`);
    const petition = definition.petitions.find((p) => p.code === section.petition)!;
    const stream = new PassThrough();
    const facts = { campaignTitle: definition.title, section, petition, paper: paperSizeFor(section.country) };
    writePaperForm(stream, facts, fontBook()).catch((error) => stream.destroy(error));
    return { stream, name: `${slug}-${sectionCode}-paper-form.pdf`, sha256: null, stale: false };
  }

  /** Names leave Handin with every download: who took which pack, and when, goes in the audit log. */
  private recordDownload(user: User, pack: Pack, format: 'pdf' | 'csv', volume?: number): Promise<void> {
    return this.audit.recordAlone({
      action: 'pack.download',
      actor: user,
      campaignId: pack.campaignId,
      deliveryPointCode: pack.deliveryPointCode,
      detail: { format, packId: pack.id, volume: volume ?? null },
    });
  }

  private async packsOf(user: User, slug: string, code: string): Promise<{ newest: Pack; done: Pack | null; current: string }> {
    assertDeliveryPointAccess(user, code);
    const campaign = await this.campaigns.bySlug(slug);
    const definition = await this.campaigns.definition(slug);
    if (!definition.deliveryPoints.some((d) => d.code === code)) throw new NotFoundError(`Campaign "${slug}" has no delivery point "${code}".`);
    const history = await this.packs.history(campaign.id, code);
    if (history.length === 0) {
      throw new NotFoundError(`There is no pack for ${code} yet: the campaign lead generates packs (POST /api/campaigns/${slug}/packs).`);
    }
    return { newest: history[0], done: history.find((p) => p.status === 'done') ?? null, current: await this.currentSource(campaign, definition, code) };
  }

  private async currentSource(campaign: Campaign, definition: CampaignDefinition, code: string): Promise<string> {
    const fingerprint = campaign.frozenAt ? undefined : (await this.packs.liveFingerprints(campaign.id, code)).get(code);
    return packSource(definition, campaign.frozenAt, fingerprint);
  }
}

function view(newest: Pack, done: Pack | null, currentSource: string): PackView {
  return {
    deliveryPoint: newest.deliveryPointCode,
    status: newest.status,
    stale: done ? done.source !== currentSource : null,
    frozen: done ? isFrozenSource(done.source) : null,
    signatures: done ? done.online! + done.offline! : null,
    online: done?.online ?? null,
    offline: done?.offline ?? null,
    withheld: done?.withheld ?? null,
    countries: done?.countries ?? null,
    worldwide: done?.worldwide ?? null,
    pages: done?.pages ?? null,
    sha256: done?.volumes?.[0]?.sha256 ?? null,
    listSha256: done?.listSha256 ?? null,
    volumes: done?.volumes ?? [],
    generatedAt: done?.generatedAt ?? null,
    countsAt: done?.countsAt ?? null,
    error: newest.status === 'failed' ? newest.error : null,
  };
}

function parseVolumeSize(body: unknown): number {
  const raw = (body as { volumeSize?: unknown } | null | undefined)?.volumeSize;
  if (raw === undefined || raw === null) return 0;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < MIN_VOLUME_SIZE) {
    throw new InvalidInputError('invalid_volume_size', `volumeSize must be a whole number of signatures per volume, at least ${MIN_VOLUME_SIZE} (e.g. {"volumeSize": 25000}), or left out for one volume.`);
  }
  return raw;
}
