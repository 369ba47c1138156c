import { Injectable, Logger } from '@nestjs/common';
import { dirname } from 'node:path';
import { Clock } from '../../common/clock';
import { AuditLog } from '../../audit/audit-log';
import { ConflictError } from '../../common/errors';
import { FileStore } from '../../storage/file-store';
import { OPERATOR } from '../auth/access';
import { User } from '../auth/user.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { SignersRepository } from '../dedupe/signers.repository';
import { FreezeRepository } from '../freeze/freeze.repository';
import { batchFiles } from '../ingest/batch-files';
import { BatchesRepository } from '../ingest/batches.repository';
import { SignaturesRepository } from '../ingest/signatures.repository';
import { packFiles } from '../packs/pack.entity';
import { PacksRepository } from '../packs/packs.repository';
import { TotalsService } from '../totals/totals.service';
import { campaignDay, purgeMessage } from './privacy-messages';
import { parsePurgeBody, PurgeReport } from './privacy.dto';

/** Batches whose rows may still change: a purge waits for them rather than cut a batch in half. */
const IN_PROGRESS = ['queued', 'parsing', 'deduplicating'];

/**
 * Purges a finished campaign's personal data and keeps every number (docs/design.md "Signer safety"):
 * - `signatures` rows are deleted: names, cities, regions, external ids and keys;
 * - `signers` rows stay, one per counted person with its attribution cell, so `signer_counts`, the breakdowns and
 *   the recount (`reconcile` counts signers per cell) are unchanged; their key becomes random and their signing
 *   time the start of their day, so no row can be tied to a person again;
 * - the frozen copy keeps its rows (the frozen packs' counts) without name or city; the frozen cells are untouched;
 * - uploaded files, reports and every pack (PDFs and signatures.csv) are deleted, and so are the packs' records;
 * - the campaign is marked purged: it takes no more uploads, tallies, retractions, freezes or packs.
 * It runs under the campaign lock, so no batch commits or retracts half-way through. Files go before the rows
 * that point at them, so a purge interrupted at any moment is finished by running it again.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger(PurgeService.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly signers: SignersRepository,
    private readonly signatures: SignaturesRepository,
    private readonly batches: BatchesRepository,
    private readonly freezes: FreezeRepository,
    private readonly packs: PacksRepository,
    private readonly totals: TotalsService,
    private readonly files: FileStore,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async purge(actor: User, slug: string, body: unknown): Promise<PurgeReport> {
    const { dryRun } = parsePurgeBody(body, slug);
    const campaign = await this.campaigns.bySlug(slug);
    const at = this.clock.now();
    const counts = await this.signers.inCampaignLock(campaign.id, async (tx) => {
      const batches = await this.batches.ofCampaign(campaign.id, tx);
      const busy = batches.filter((b) => IN_PROGRESS.includes(b.status)).length;
      if (busy > 0) {
        throw new ConflictError('batches_in_progress', `${busy} batch(es) of "${slug}" are still being processed; purge once they are done.`);
      }
      const packIds = await this.packs.idsOfCampaign(campaign.id, tx);
      const found = {
        signatures: await this.signatures.countCampaign(campaign.id, tx),
        signers: await this.signers.countCampaign(campaign.id, tx),
        frozenSigners: await this.freezes.countSigners(campaign.id, tx),
        batchFiles: batches.length,
        packs: packIds.length,
      };
      if (dryRun) return found;

      for (const batch of batches) await this.files.remove(dirname(batchFiles(batch.id).upload));
      for (const id of packIds) await this.files.remove(dirname(packFiles(id).csv));
      await this.signatures.deleteCampaign(tx, campaign.id);
      await this.signers.anonymiseCampaign(tx, campaign.id, campaign.timezone);
      found.frozenSigners = await this.freezes.blankSigners(tx, campaign.id);
      await this.packs.deleteCampaign(tx, campaign.id);
      await this.batches.markCampaignFilesDeleted(tx, campaign.id, at);
      await this.campaignsRepository.markPurged(tx, campaign.id, at);
      await this.audit.record(tx, { action: 'campaign.purge', actor, campaignId: campaign.id, detail: { ...found } });
      return found;
    });
    const total = (await this.totals.forUser(OPERATOR, slug)).total;
    if (!dryRun) this.logger.log({ campaignId: campaign.id, ...counts }, 'campaign purged');
    const message = purgeMessage({
      title: campaign.title,
      day: campaignDay(at, campaign.timezone),
      dryRun,
      signatures: counts.signatures,
      frozen: counts.frozenSigners,
      batches: counts.batchFiles,
      packs: counts.packs,
      total,
    });
    return { campaign: slug, dryRun, purgedAt: dryRun ? null : (campaign.purgedAt ?? at).toISOString(), ...counts, total, message };
  }
}
