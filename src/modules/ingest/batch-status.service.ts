import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { JobQueue } from '../../queue/job-queue';
import { Batch, BatchStatus, FailureKind } from './batch.entity';
import { assertCanMove, canMove, ENDED_STATUSES, statusesBefore } from './batch-status';
import { BatchesRepository, BatchFields } from './batches.repository';
import { SignaturesRepository } from './signatures.repository';

/** The counters of a batch before its first stage has run. */
const NOTHING_DONE: BatchFields = { progress: 0, rows: 0, accepted: 0, rejected: 0, rejectionsByReason: {}, duplicatesInBatch: 0, duplicatesExisting: 0, counted: 0 };

/**
 * The one writer of a batch's status: every stage, retraction and give-up moves a batch through here, by the
 * table in batch-status.ts, so no code path can put a batch somewhere it cannot be.
 */
@Injectable()
export class BatchStatusService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly signatures: SignaturesRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves a batch the caller has not locked to `to`, if its status allows that at this moment; false when it
   * did not move (it failed, was retracted or moved on meanwhile: the stage then has nothing to do).
   */
  async move(id: string, to: BatchStatus, fields: BatchFields = {}): Promise<boolean> {
    const moved = await this.batches.updateStatus(id, statusesBefore(to), to, this.withEnd(to, fields));
    if (moved) await this.ended(id, to);
    return moved;
  }

  /**
   * Moves a batch that the caller's transaction holds locked (`batch` as read under the lock). Throws
   * ImpossibleTransitionError when its status cannot move to `to`. Returns the batch as it now is.
   */
  async moveLocked(tx: EntityManager, batch: Batch, to: BatchStatus, fields: BatchFields = {}): Promise<Batch> {
    assertCanMove(batch.status, to);
    const withEnd = this.withEnd(to, fields);
    await this.batches.updateStatus(batch.id, [batch.status], to, withEnd, tx);
    await this.ended(batch.id, to);
    return { ...batch, ...withEnd, status: to };
  }

  /** A batch that reaches done, failed or retracted has ended: its files' retention counts from now. */
  private withEnd(to: BatchStatus, fields: BatchFields): BatchFields {
    return ENDED_STATUSES.includes(to) ? { ...fields, endedAt: this.clock.now() } : fields;
  }

  /**
   * Asks for the ended batch's files to be swept (its upload is deleted at once under the default retention).
   * The sweep runs a moment later, after the caller's transaction has committed the end.
   */
  private async ended(id: string, to: BatchStatus): Promise<void> {
    if (ENDED_STATUSES.includes(to)) await this.jobs.sweepFilesSoon(`${id}-${to}`);
  }

  /**
   * Fails a batch that is not counted yet because its file is the problem (unreadable, refused by the limits, no
   * data rows), with a message for the coordinator; its rows go with it, and its upload under the usual retention.
   * Does nothing to a batch that is counted (committed), done, failed or retracted: see DedupeService.fail.
   */
  async fail(id: string, message: string): Promise<void> {
    await this.failUncounted(id, message, 'content');
  }

  /**
   * Fails a batch that is not counted yet because a stage gave up (its file may be fine), with a message for the
   * coordinator; its rows go with it, its upload is kept for a retry (RETRY_WINDOW_HOURS). Like `fail` otherwise.
   */
  async giveUp(id: string, message: string): Promise<void> {
    await this.failUncounted(id, message, 'infrastructure');
  }

  /** `giveUp` for a locked batch in the caller's transaction; whatever it added to the signers must be out already. */
  giveUpLocked(tx: EntityManager, batch: Batch, message: string): Promise<Batch> {
    return this.failLocked(tx, batch, message, 'infrastructure');
  }

  /**
   * Sends a failed, locked batch through all its stages again as a new run: back to queued, its failure, counters
   * and end cleared, its attempt one more (the new run's jobs get new ids). It counts nothing at this point: its
   * signers went out when it failed. Whether it may be retried is BatchRetryService's decision.
   */
  retryLocked(tx: EntityManager, batch: Batch): Promise<Batch> {
    return this.moveLocked(tx, batch, 'queued', {
      ...NOTHING_DONE,
      error: null,
      failureKind: null,
      // Its files' retention counts again from its next end, also for the rejection report the new run writes.
      endedAt: null,
      reportsDeletedAt: null,
      attempt: batch.attempt + 1,
    });
  }

  private async failUncounted(id: string, message: string, kind: FailureKind): Promise<void> {
    await this.batches.withLocked(id, async (tx, batch) => {
      if (batch && !batch.committedAt && canMove(batch.status, 'failed')) await this.failLocked(tx, batch, message, kind);
    });
  }

  private failLocked(tx: EntityManager, batch: Batch, message: string, kind: FailureKind): Promise<Batch> {
    return this.endLocked(tx, batch, 'failed', { error: message, failureKind: kind, committedAt: null });
  }

  /** Retracts a locked batch in the caller's transaction; whatever it added to the signers must be out already. */
  retractLocked(tx: EntityManager, batch: Batch, at: Date): Promise<Batch> {
    return this.endLocked(tx, batch, 'retracted', { retractedAt: at });
  }

  /** A batch that ends failed or retracted never counts again, so its rows (personal data) are deleted with it. */
  private async endLocked(tx: EntityManager, batch: Batch, to: 'failed' | 'retracted', fields: BatchFields): Promise<Batch> {
    assertCanMove(batch.status, to);
    await this.signatures.deleteBatch(tx, batch.id);
    return this.moveLocked(tx, batch, to, fields);
  }
}
