import { BATCH_STATUSES, BatchStatus } from '../../src/modules/ingest/batch.entity';
import { assertCanMove, canMove, ImpossibleTransitionError, INITIAL_STATUS, statusesBefore } from '../../src/modules/ingest/batch-status';

describe('batch status transitions', () => {
  it('moves a file through its stages one at a time, and a tally from aggregating', () => {
    const stages: BatchStatus[] = ['queued', 'parsing', 'deduplicating', 'aggregating', 'done'];
    for (let i = 1; i < stages.length; i++) expect(canMove(stages[i - 1], stages[i])).toBe(true);
    expect(INITIAL_STATUS).toEqual({ signatures: 'queued', tally: 'aggregating' });
  });

  it('lets a retried parse job plan the file again', () => {
    expect(canMove('parsing', 'parsing')).toBe(true);
    expect(statusesBefore('parsing')).toEqual(['queued', 'parsing']);
  });

  it('skips no stage and never goes back', () => {
    const refused: [BatchStatus, BatchStatus][] = [
      ['queued', 'deduplicating'],
      ['queued', 'done'],
      ['parsing', 'aggregating'],
      ['deduplicating', 'done'],
      ['deduplicating', 'parsing'],
      ['aggregating', 'deduplicating'],
      ['done', 'parsing'],
      ['done', 'aggregating'],
      ['queued', 'queued'],
    ];
    for (const [from, to] of refused) expect([from, to, canMove(from, to)]).toEqual([from, to, false]);
    expect(statusesBefore('done')).toEqual(['aggregating']);
    expect(statusesBefore('deduplicating')).toEqual(['parsing']);
  });

  it('fails any batch that is not done yet, and nothing else', () => {
    expect(statusesBefore('failed')).toEqual(['queued', 'parsing', 'deduplicating', 'aggregating']);
  });

  it('retracts any batch but a failed one', () => {
    expect(statusesBefore('retracted')).toEqual(['queued', 'parsing', 'deduplicating', 'aggregating', 'done']);
  });

  it('keeps retracted batches where they are, and lets a failed one only start again from queued (a retry)', () => {
    for (const to of BATCH_STATUSES) {
      expect(canMove('failed', to)).toBe(to === 'queued');
      expect(canMove('retracted', to)).toBe(false);
    }
    expect(statusesBefore('queued')).toEqual(['failed']);
  });

  it('refuses an impossible move with a typed error that names both statuses', () => {
    expect(() => assertCanMove('aggregating', 'done')).not.toThrow();
    let error: unknown;
    try {
      assertCanMove('done', 'failed');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpossibleTransitionError);
    expect(error).toMatchObject({ statusCode: 409, code: 'impossible_batch_transition', from: 'done', to: 'failed' });
    expect((error as Error).message).toContain('done');
  });
});
