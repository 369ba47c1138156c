import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { ConflictError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { hashDedupeKey } from '../../domain/dedupe-keys';
import { JobQueue } from '../../queue/job-queue';
import { OPERATOR } from '../auth/access';
import { CampaignsService } from '../campaigns/campaigns.service';
import { SignersRepository } from '../dedupe/signers.repository';
import { FreezeRepository } from '../freeze/freeze.repository';
import { BatchesRepository } from '../ingest/batches.repository';
import { SignaturesRepository } from '../ingest/signatures.repository';
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
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async erase(slug: string, body: unknown): Promise<EraseReport> {
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
        const result: Erased = { deleted: 0, counted: 0, points: [], frozen: 0 };
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
        if (request.dryRun) throw new DryRun(result);
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
      packsStale: erased.points.sort(),
      frozenRemoved: erased.frozen > 0,
      message,
    };
  }
}
