import { Injectable, Logger } from '@nestjs/common';
import { safeCsv } from '../../common/safe-csv';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AuditLog } from '../../audit/audit-log';
import { ConflictError } from '../../common/errors';
import { JobQueue } from '../../queue/job-queue';
import { User } from '../auth/user.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { assertNotPurged } from '../campaigns/purged-campaign';
import { Batch } from '../ingest/batch.entity';
import { batchView, BatchView } from '../ingest/batch.dto';
import { BatchesRepository } from '../ingest/batches.repository';
import { BatchStatusService } from '../ingest/batch-status.service';
import { canMove } from '../ingest/batch-status';
import { BatchesService } from '../ingest/batches.service';
import { DuplicatesRepository } from './duplicates.repository';
import { CommitTarget, SignersRepository } from './signers.repository';

/** Share of the progress bar reached once a batch is committed. */
const COMMITTED_PROGRESS = 0.9;

/**
 * Stage 2 of a batch, and its undo. Both change signers and counters in one transaction under the campaign
 * lock, so a batch's rows reach the totals all at once or not at all (invariant 1).
 */
@Injectable()
export class DedupeService {
  private readonly logger = new Logger(DedupeService.name);

  constructor(
    private readonly signers: SignersRepository,
    private readonly status: BatchStatusService,
    private readonly duplicates: DuplicatesRepository,
    private readonly batches: BatchesRepository,
    private readonly batchesService: BatchesService,
    private readonly campaigns: CampaignsRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async commit(batchId: string): Promise<void> {
    const batch = await this.batches.findById(batchId);
    if (!batch) return;
    await this.signers.inCampaignLock(batch.campaignId, async (tx) => {
      const current = await this.batches.findForUpdate(tx, batchId);
      if (!current || current.status !== 'deduplicating' || current.committedAt) return; // done before, failed or retracted

      const counts = await this.signers.commitBatch(tx, await this.target(current));
      const fields = {
        progress: COMMITTED_PROGRESS,
        committedAt: this.clock.now(),
        duplicatesInBatch: current.accepted - counts.distinctKeys,
        duplicatesExisting: counts.existing,
        counted: counts.distinctKeys - counts.existing,
      };
      await this.status.moveLocked(tx, current, 'aggregating', fields);
      this.logger.log({ batchId, campaignId: current.campaignId, counted: fields.counted }, 'batch committed');
    });
  }

  /** Retracts a batch: its signatures stop counting and any signer it had shadowed counts again (invariant 4). */
  async retract(user: User, id: string): Promise<BatchView> {
    const { batch, sectionCode } = await this.batchesService.accessible(user, id);
    if (batch.status === 'failed') {
      throw new ConflictError('batch_failed', 'This batch failed, so nothing of it was counted; there is nothing to retract.');
    }
    assertNotPurged((await this.campaigns.findById(batch.campaignId))!, 'retractions');
    const retracted = await this.signers.inCampaignLock(batch.campaignId, async (tx) => {
      const current = (await this.batches.findForUpdate(tx, id))!;
      if (current.status === 'retracted') return current;
      await this.uncount(tx, current);
      await this.audit.record(tx, { action: 'batch.retract', actor: user, campaignId: current.campaignId, sectionCode, batchId: id, detail: { kind: current.kind, wasStatus: current.status } });
      return this.status.retractLocked(tx, current, this.clock.now());
    });
    await this.jobs.refreshTotals(batch.campaignId, `retract-${id}`);
    this.logger.log({ batchId: id, campaignId: batch.campaignId }, 'batch retracted');
    return batchView(retracted, sectionCode);
  }

  /**
   * What a retraction would change, for the confirmation a coordinator sees first: signers it removes from the
   * total, and signers who count again elsewhere because they also signed in another batch.
   */
  async retractionEffect(user: User, id: string): Promise<{ batch: BatchView; removed: number; countedElsewhere: number }> {
    const { batch, sectionCode } = await this.batchesService.accessible(user, id);
    if (batch.kind === 'tally') return { batch: batchView(batch, sectionCode), removed: batch.status === 'retracted' ? 0 : batch.tallyCount ?? 0, countedElsewhere: 0 };
    const { counted, countedElsewhere } = batch.committedAt && batch.status !== 'retracted' ? await this.signers.retractionEffect(batch.campaignId, id) : { counted: 0, countedElsewhere: 0 };
    return { batch: batchView(batch, sectionCode), removed: counted - countedElsewhere, countedElsewhere };
  }

  /**
   * Fails a batch at whatever stage it is because a stage gave up (an infrastructure failure: its upload is kept
   * for a retry), with a message for the coordinator. A batch already committed has its signers taken back out
   * first (as a retraction would), so that a failed batch never counts.
   */
  async fail(batchId: string, message: string): Promise<void> {
    const batch = await this.batches.findById(batchId);
    if (!batch) return;
    const wasCounted = await this.signers.inCampaignLock(batch.campaignId, async (tx) => {
      const current = await this.batches.findForUpdate(tx, batchId);
      if (!current || !canMove(current.status, 'failed')) return false; // done, failed or retracted meanwhile
      await this.uncount(tx, current);
      await this.status.giveUpLocked(tx, current, message);
      return current.committedAt !== null;
    });
    if (wasCounted) await this.jobs.refreshTotals(batch.campaignId, `fail-${batchId}`);
  }

  /** Takes what a committed batch added to the signers back out; in the caller's transaction, under the campaign lock. */
  private async uncount(tx: EntityManager, batch: Batch): Promise<void> {
    if (batch.kind === 'signatures' && batch.committedAt) await this.signers.retractBatch(tx, await this.target(batch));
  }

  /** The duplicate report of a batch (see DuplicatesRepository); the matched e-mail is never shown. */
  async duplicatesCsv(user: User, id: string): Promise<string> {
    const { batch } = await this.batchesService.accessible(user, id);
    const rows = await this.duplicates.forBatch(batch.id);
    return safeCsv([
      ['row', 'duplicate of', 'matched batch', 'matched section', 'matched row'],
      ...rows.map((d) => [d.row, d.sameBatch ? 'an earlier row of this batch' : 'a signature in another batch', d.matchedBatch, d.matchedSection, d.matchedRow]),
    ]);
  }

  /**
   * Recounts one campaign's counters from its signers and repairs them if they drifted. Repaired totals are
   * published here, after the repair, rather than by a queued job: a recount is no business event to key one by.
   */
  async reconcile(campaignId: number): Promise<{ cells: number; mismatched: number }> {
    const result = await this.signers.inCampaignLock(campaignId, (tx) => this.signers.reconcile(tx, campaignId));
    if (result.mismatched > 0) this.logger.error({ campaignId, ...result }, 'counters differed from a full recount and were repaired');
    return result;
  }

  private async target(batch: Batch): Promise<CommitTarget> {
    const campaign = await this.campaigns.findById(batch.campaignId);
    return { batchId: batch.id, batchSeq: batch.seq, campaignId: batch.campaignId, sectionId: batch.sectionId, timezone: campaign!.timezone };
  }
}
