import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { dirname } from 'node:path';
import { Clock } from '../../common/clock';
import { AuditLog } from '../../audit/audit-log';
import { FileStore } from '../../storage/file-store';
import { ConflictError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { hashDedupeKey } from '../../domain/dedupe-keys';
import { JobQueue } from '../../queue/job-queue';
import { OPERATOR } from '../auth/access';
import { User } from '../auth/user.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { SignersRepository } from '../dedupe/signers.repository';
import { FreezeRepository } from '../freeze/freeze.repository';
import { BatchesRepository } from '../ingest/batches.repository';
import { SignaturesRepository } from '../ingest/signatures.repository';
import { Pack, packFiles } from '../packs/pack.entity';
import { PacksRepository } from '../packs/packs.repository';
import { PacksService } from '../packs/packs.service';
import { TotalsService } from '../totals/totals.service';
import { describePerson, erasureKeys } from './erasure-keys';
import { campaignDay, erasureMessage } from './privacy-messages';
import { EraseReport, parseEraseBody } from './privacy.dto';
import { assertNotPurged } from '../campaigns/purged-campaign';

const IN_PROGRESS = ['queued', 'parsing', 'deduplicating'];

interface Erased {
  deleted: number;
  counted: number;
  points: string[];
  frozen: number;
  /** The packs of the delivery points the person counted at: they may list the person, so they go and are made again. */
  packs: Pick<Pack, 'id' | 'deliveryPointCode' | 'volumeSize'>[];
}

/** Thrown to roll a dry run back once it has done (and measured) everything a real erasure would. */
class DryRun extends Error {
  constructor(readonly erased: Erased) {
    super('dry run');
  }
}

/**
 * Erases one person on request: every signature under their dedupe key(s), in every batch, and their signer. If
 * they counted, their counter cell loses one, as when a retraction removes a signer who signed nowhere else (no
 * signature of the key is left to take over); totals are republished; the packs that listed them become stale
 * (their delivery point's fingerprint changes with its signers). In a frozen campaign they leave the frozen copy
 * and its numbers too, so frozen packs and frozen totals keep agreeing. Under the campaign lock, so an erasure
 * cannot interleave with a batch commit or retraction.
 */
@Injectable()
export class EraseService {
  private readonly logger = new Logger(EraseService.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly signers: SignersRepository,
    private readonly signatures: SignaturesRepository,
    private readonly batches: BatchesRepository,
    private readonly freezes: FreezeRepository,
    private readonly totals: TotalsService,
    private readonly packs: PacksRepository,
    private readonly packsService: PacksService,
    private readonly files: FileStore,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async erase(actor: User, slug: string, body: unknown): Promise<EraseReport> {
    const request = parseEraseBody(body);
    const keys = erasureKeys(request).map((key) => hashDedupeKey(this.config.hmacSecret, key));
    const campaign = await this.campaigns.bySlug(slug);
    assertNotPurged(campaign, 'erasure (no signer data is left to erase)');
    const before = (await this.totals.forUser(OPERATOR, slug)).total;
    const at = this.clock.now();

    let erased: Erased;
    try {
      erased = await this.signers.inCampaignLock(campaign.id, async (tx) => {
        const busy = (await this.batches.ofCampaign(campaign.id, tx)).filter((b) => IN_PROGRESS.includes(b.status)).length;
        if (busy > 0) {
          throw new ConflictError('batches_in_progress', `${busy} batch(es) of "${slug}" are still being processed; erase once they are done, so none of them counts this person again.`);
        }
        const result: Erased = { deleted: 0, counted: 0, points: [], frozen: 0, packs: [] };
        for (const key of keys) {
          const positions = await this.signatures.ofSigner(tx, campaign.id, key);
          if (campaign.frozenAt) result.frozen += await this.freezes.removeSigner(tx, campaign.id, campaign.timezone, positions);
          result.deleted += await this.signatures.deleteSigner(tx, campaign.id, key);
          const signer = await this.signers.eraseSigner(tx, campaign.id, key);
          if (signer) {
            result.counted += 1;
            if (!result.points.includes(signer.deliveryPointCode)) result.points.push(signer.deliveryPointCode);
          }
        }
        if (result.points.length > 0) result.packs = await this.packs.ofDeliveryPoints(tx, campaign.id, result.points);
        if (request.dryRun) throw new DryRun(result);
        await this.deletePacks(tx, result.packs);
        await this.audit.record(tx, {
          action: 'signer.erase',
          actor,
          campaignId: campaign.id,
          detail: { by: request.email ? 'e-mail' : 'name', signaturesDeleted: result.deleted, counted: result.counted > 0, frozenRemoved: result.frozen > 0, packsDeleted: result.packs.length },
        });
        return result;
      });
    } catch (error) {
      if (!(error instanceof DryRun)) throw error;
      erased = error.erased;
    }

    if (!request.dryRun && erased.deleted + erased.frozen > 0) {
      await this.jobs.refreshTotals(campaign.id, `erase-${campaign.id}-${at.getTime()}`);
      this.logger.log({ campaignId: campaign.id, signaturesDeleted: erased.deleted, counted: erased.counted }, 'signer erased on request');
    }
    // Activists should not find their pack gone on the day: the packs deleted above are made again, without the person.
    if (!request.dryRun && erased.packs.length > 0) {
      const volumeSize = erased.packs[0].volumeSize;
      await this.packsService.generateAll(actor, slug, volumeSize > 0 ? { volumeSize } : {});
    }
    const after = before - erased.counted;
    const message = erasureMessage({
      who: describePerson(request),
      title: campaign.title,
      day: campaignDay(at, campaign.timezone),
      dryRun: request.dryRun,
      deleted: erased.deleted,
      before,
      after,
    });
    return {
      campaign: slug,
      dryRun: request.dryRun,
      signaturesDeleted: erased.deleted,
      counted: erased.counted > 0,
      totalBefore: before,
      totalAfter: after,
      packsRemade: [...new Set(erased.packs.map((p) => p.deliveryPointCode))].sort(),
      frozenRemoved: erased.frozen > 0,
      message,
    };
  }

  /** Deletes packs (rows and files) in the erasure's transaction: a PDF or list already made would keep the person's name. */
  private async deletePacks(tx: EntityManager, packs: Pick<Pack, 'id'>[]): Promise<void> {
    if (packs.length === 0) return;
    for (const pack of packs) await this.files.remove(dirname(packFiles(pack.id).csv));
    await this.packs.deleteByIds(tx, packs.map((p) => p.id));
  }
}
