import { ConflictError } from '../../common/errors';
import { BATCH_STATUSES, BatchKind, BatchStatus } from './batch.entity';

/**
 * The life of a batch. A file moves queued → parsing → deduplicating → aggregating → done, one stage at a time;
 * a tally is born aggregating (it needs no parsing or dedupe). Until it is done a batch can fail (a stage gave
 * up, or the file is wrong); anything but a failed batch can be retracted. Failed and retracted are final.
 * parsing → parsing: a parse job that is retried before its chunks were queued plans the file again.
 */
const NEXT: Record<BatchStatus, readonly BatchStatus[]> = {
  queued: ['parsing', 'failed', 'retracted'],
  parsing: ['parsing', 'deduplicating', 'failed', 'retracted'],
  deduplicating: ['aggregating', 'failed', 'retracted'],
  aggregating: ['done', 'failed', 'retracted'],
  done: ['retracted'],
  failed: [],
  retracted: [],
};

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
