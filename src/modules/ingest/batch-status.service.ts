import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { JobQueue } from '../../queue/job-queue';
import { Batch, BatchStatus } from './batch.entity';
import { assertCanMove, canMove, statusesBefore } from './batch-status';
import { BatchesRepository, BatchFields } from './batches.repository';
import { SignaturesRepository } from './signatures.repository';

const ENDED: BatchStatus[] = ['done', 'failed', 'retracted'];

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
    return ENDED.includes(to) ? { ...fields, endedAt: this.clock.now() } : fields;
  }

  /**
   * Asks for the ended batch's files to be swept (its upload is deleted at once under the default retention).
   * The sweep runs a moment later, after the caller's transaction has committed the end.
   */
  private async ended(id: string, to: BatchStatus): Promise<void> {
    if (ENDED.includes(to)) await this.jobs.sweepFilesSoon(`${id}-${to}`);
  }

  /**
   * Fails a batch that is not counted yet, with a message for the coordinator; its rows go with it. Does
   * nothing to a batch that is counted (committed), done, failed or retracted: see DedupeService.failCommitted.
   */
  async fail(id: string, message: string): Promise<void> {
    await this.batches.withLocked(id, async (tx, batch) => {
      if (batch && !batch.committedAt && canMove(batch.status, 'failed')) await this.failLocked(tx, batch, message);
    });
  }

  /** Fails a locked batch in the caller's transaction; whatever it added to the signers must be out already. */
  failLocked(tx: EntityManager, batch: Batch, message: string): Promise<Batch> {
    return this.endLocked(tx, batch, 'failed', { error: message, committedAt: null });
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
