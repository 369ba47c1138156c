import { ConflictError } from '../../common/errors';
import { BATCH_STATUSES, BatchKind, BatchStatus } from './batch.entity';

/**
 * The life of a batch. A file moves queued → parsing → deduplicating → aggregating → done, one stage at a time;
 * a tally is born aggregating (it needs no parsing or dedupe). Until it is done a batch can fail (a stage gave
 * up, or the file is wrong); anything but a failed batch can be retracted. Retracted is final.
 * parsing → parsing: a parse job that is retried before its chunks were queued plans the file again.
 * failed → queued: an admin retries a batch whose stage gave up; it runs all its stages again, from nothing counted
 * (a failed batch counts nothing). Which failed batches may be retried is BatchRetryService's decision.
 */
const NEXT: Record<BatchStatus, readonly BatchStatus[]> = {
  queued: ['parsing', 'failed', 'retracted'],
  parsing: ['parsing', 'deduplicating', 'failed', 'retracted'],
  deduplicating: ['aggregating', 'failed', 'retracted'],
  aggregating: ['done', 'failed', 'retracted'],
  done: ['retracted'],
  failed: ['queued'],
  retracted: [],
};

/** A batch in one of these has ended: its files' retention counts from then, and no stage works on it. */
export const ENDED_STATUSES: readonly BatchStatus[] = ['done', 'failed', 'retracted'];
/** A batch in one of these has a stage still to run. */
export const UNFINISHED_STATUSES: readonly BatchStatus[] = BATCH_STATUSES.filter((status) => !ENDED_STATUSES.includes(status));

/** The status a new batch starts in. */
export const INITIAL_STATUS: Record<BatchKind, BatchStatus> = { signatures: 'queued', tally: 'aggregating' };

export function canMove(from: BatchStatus, to: BatchStatus): boolean {
  return NEXT[from].includes(to);
}

/** Every status a batch may be in to move to `to`. */
export function statusesBefore(to: BatchStatus): BatchStatus[] {
  return BATCH_STATUSES.filter((from) => canMove(from, to));
}

/** A move the table above does not allow: a bug, or a batch that changed under a stage that did not lock it. */
export class ImpossibleTransitionError extends ConflictError {
  constructor(
    readonly from: BatchStatus,
    readonly to: BatchStatus,
  ) {
    super('impossible_batch_transition', `This batch is ${from}, so it cannot become ${to}. Reload it to see what happened to it.`);
  }
}

export function assertCanMove(from: BatchStatus, to: BatchStatus): void {
  if (!canMove(from, to)) throw new ImpossibleTransitionError(from, to);
}
