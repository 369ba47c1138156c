import { dirname } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { safeCsvStream } from '../../common/safe-csv';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Clock } from '../../common/clock';
import { FileStore } from '../../storage/file-store';
import { CampaignDefinition, paperSizeFor } from '../campaigns/campaign-definition';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Pack, packFiles, PackVolumeFile } from './pack.entity';

type DeliveryPointDefinition = CampaignDefinition['deliveryPoints'][number];
import { countryOrder, isFrozenSource } from './pack-source';
import { PackRowRecord, PacksRepository, PackScope, PackSnapshot, PackSummary } from './packs.repository';
import { fontBook } from './render/fonts';
import { PackDocument, PackFacts } from './render/pack-document';
import { splitIntoVolumes } from './render/pack-layout';
import { textsFor } from './render/pack-texts';
import { SignatureListFormat } from './render/signature-list';

/**
 * Renders a pack (the `pack` job). Reads one consistent snapshot twice: first into signatures.csv, whose
 * SHA-256 the closing page prints, then into the PDF volumes. Rows stream from a cursor to the file store, so
 * a delivery point with hundreds of thousands of signers needs no more memory than one with ten.
 */
@Injectable()
export class PackGenerationService {
  private readonly logger = new Logger(PackGenerationService.name);

  constructor(
    private readonly packs: PacksRepository,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly files: FileStore,
    private readonly clock: Clock,
  ) {}

  async generate(packId: string): Promise<void> {
    const pack = await this.packs.findById(packId);
    if (!pack || pack.status === 'done') return; // generated before: one pack per source
    await this.packs.transition(packId, ['queued', 'generating', 'failed'], { status: 'generating', error: null });

    const campaign = (await this.campaignsRepository.findById(pack.campaignId))!;
    const definition = await this.campaigns.definition(campaign.slug);
    const point = definition.deliveryPoints.find((d) => d.code === pack.deliveryPointCode);
    if (!point) throw new Error(`delivery point ${pack.deliveryPointCode} is no longer in campaign ${campaign.slug}`);
    const { language, texts } = textsFor(point.language);
    const scope: PackScope = {
      campaignId: campaign.id,
      deliveryPointCode: point.code,
      frozen: isFrozenSource(pack.source),
      withheldCountries: definition.withheldCountries ?? [],
      countryOrder: countryOrder(language),
    };
    const format = new SignatureListFormat(language, definition.timezone, texts.list.withheld);
    const header = [texts.list.number, texts.list.name, texts.list.city, texts.list.country, texts.list.signedAt];

    const result = await this.packs
      .withSnapshot(async (snapshot) => {
        const summary = await snapshot.summary(scope);
        const list = await this.writeCsv(pack, await snapshot.rows(scope), format, header);
        const facts = this.facts(definition, point, summary, scope.frozen ? campaign.frozenAt : null);
        const volumes = await this.writeVolumes(pack, snapshot, scope, facts, list.sha256, summary.online);
        return { summary, list, volumes };
      })
      .catch(async (error: Error) => {
        // A pack that could not be written (the disk full) keeps no half-written file, to be served or to fill the
        // disk further; the job tries again, and its give-up marks the pack failed with this error.
        await this.files.remove(dirname(packFiles(packId).csv));
        throw error;
      });

    const missingGlyphs = result.volumes.reduce((n, v) => n + v.missingGlyphs, 0);
    const finished = await this.packs.transition(packId, ['generating'], {
      status: 'done',
      online: result.summary.online,
      offline: result.summary.offline,
      withheld: result.summary.withheld,
      worldwide: result.summary.worldwide,
      countries: result.summary.countries,
      pages: result.volumes.reduce((n, v) => n + v.pages, 0),
      volumes: result.volumes.map(({ missingGlyphs: _, ...file }) => file),
      listSha256: result.list.sha256,
      missingGlyphs,
      countsAt: result.summary.countsAt,
      generatedAt: this.clock.now(),
    });
    if (!finished) {
      // The pack was deleted while it was drawn (an erasure or a purge): its files may list someone who must not
      // be listed any more, so they go too.
      await this.files.remove(dirname(packFiles(packId).csv));
      this.logger.warn({ packId }, 'pack deleted while it was generated; its files are removed');
      return;
    }
    if (missingGlyphs > 0) this.logger.warn({ packId, missingGlyphs }, 'pack has characters no font could draw');
    this.logger.log({ packId, campaignId: campaign.id, deliveryPoint: point.code, signatures: result.summary.online }, 'pack generated');
  }

  async fail(packId: string, error: Error): Promise<void> {
    await this.packs.transition(packId, ['queued', 'generating'], { status: 'failed', error: error.message });
  }

  private async writeCsv(pack: Pack, rows: Readable, format: SignatureListFormat, header: string[]): Promise<{ sha256: string }> {
    const { stream, written } = await this.files.writeHashed(packFiles(pack.id).csv);
    let number = 0;
    const cells = new Transform({
      objectMode: true,
      transform(record: PackRowRecord, _encoding, done) {
        const row = format.print({ number: ++number, ...record });
        done(null, [row.number, row.name, row.city, row.country, row.signedAt]);
      },
    });
    // One pipeline from the cursor to the file: a write that fails (the disk full) destroys the cursor too, which
    // ends its query; left unread, it would keep the snapshot's transaction, and so the job, waiting for ever.
    // Awaited together, so a failed write fails the job instead of leaving a rejection nobody handles.
    const [, file] = await Promise.all([pipeline(rows, cells, safeCsvStream({ header: true, columns: header }), stream), written]);
    return file;
  }

  private async writeVolumes(
    pack: Pack,
    snapshot: PackSnapshot,
    scope: PackScope,
    facts: PackFacts,
    listSha256: string,
    signatures: number,
  ): Promise<(PackVolumeFile & { missingGlyphs: number })[]> {
    const volumes = splitIntoVolumes(signatures, pack.volumeSize || null);
    const list = await snapshot.rows(scope);
    const rows = list[Symbol.asyncIterator]() as AsyncIterator<PackRowRecord>;
    const files: (PackVolumeFile & { missingGlyphs: number })[] = [];
    let number = 0;
    try {
      for (const volume of volumes) {
        const { stream, written } = await this.files.writeHashed(packFiles(pack.id).volume(volume.volume));
        const render = async () => {
          const doc = new PackDocument(stream, facts, volume, fontBook());
          doc.cover();
          doc.petitions();
          while (number < volume.to) {
            const next = await rows.next();
            if (next.done) throw new Error(`the list ended at ${number} of ${signatures} signatures`);
            doc.row({ number: ++number, ...next.value });
          }
          return doc.finish(listSha256);
        };
        const [rendered, file] = await Promise.all([render(), written]);
        files.push({ volume: volume.volume, from: volume.from, to: volume.to, ...rendered, ...file });
      }
      // Read the cursor to its end: the transaction can only finish once the query has.
      if (!(await rows.next()).done) throw new Error(`the list has more than the ${signatures} signatures counted`);
    } catch (error) {
      // A volume that could not be written (the disk full) leaves the cursor part-read: closing it ends its query,
      // without which the snapshot's transaction, and so the job, would wait for ever.
      list.destroy();
      throw error;
    }
    return files;
  }

  private facts(definition: CampaignDefinition, point: DeliveryPointDefinition, summary: PackSummary, frozenAt: Date | null): PackFacts {
    // The texts these signers signed: the petitions of their sections (all petitions for an empty pack).
    const sections = definition.sections.filter((s) => summary.sections.length === 0 || summary.sections.includes(s.code));
    const signed = new Set(sections.map((s) => s.petition));
    return {
      campaign: { title: definition.title, targetGovernment: definition.targetGovernment, timezone: definition.timezone },
      deliveryPoint: { ...point, handInAt: point.handInAt ? new Date(point.handInAt) : null },
      paper: paperSizeFor(point.hostCountry, point.paperSize),
      counts: { online: summary.online, offline: summary.offline, withheld: summary.withheld, worldwide: summary.worldwide, countries: summary.countries },
      petitions: definition.petitions.filter((p) => signed.has(p.code)),
      generatedAt: this.clock.now(),
      countsAt: summary.countsAt,
      frozenAt,
    };
  }
}
