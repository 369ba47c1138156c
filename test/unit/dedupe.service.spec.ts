import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, AuditLog } from '../../src/audit/audit-log';
import { Clock } from '../../src/common/clock';
import { User } from '../../src/modules/auth/user.entity';
import { CampaignsRepository } from '../../src/modules/campaigns/campaigns.repository';
import { DedupeService } from '../../src/modules/dedupe/dedupe.service';
import { DuplicatesRepository } from '../../src/modules/dedupe/duplicates.repository';
import { CommitCounts, CommitTarget, SignersRepository } from '../../src/modules/dedupe/signers.repository';
import { Batch } from '../../src/modules/ingest/batch.entity';
import { BatchesService } from '../../src/modules/ingest/batches.service';
import { JobQueue } from '../../src/queue/job-queue';
import { batch, fakeStore, FakeStore } from '../support/fakes';

const NOW = new Date('2017-05-02T09:00:00Z');
const ADMIN = { role: 'admin' } as User;

/**
 * The dedupe stage's decisions (src/modules/dedupe/dedupe.service.ts): when a batch is committed and what its
 * counters say, which batches may be retracted or failed and whether the totals must then be refreshed, and what
 * a retraction would change. Signers, campaigns and the queue are fakes that record what they were asked to do.
 */
describe('DedupeService', () => {
  let store: FakeStore;
  /** What the signers table was asked to do, in order. */
  let signerChanges: { change: 'commit' | 'retract'; target: CommitTarget }[];
  /** Campaigns whose totals were asked to be refreshed, with the reason. */
  let refreshed: string[];
  /** Lines written to the audit log. */
  let audited: AuditEntry[];
  let commitCounts: CommitCounts;
  let effect: { counted: number; countedElsewhere: number };

  beforeAll(() => Logger.overrideLogger(false));

  function service(...batches: Batch[]): DedupeService {
    store = fakeStore(...batches);
    signerChanges = [];
    refreshed = [];
    audited = [];
    const signers = {
      inCampaignLock: <T>(_campaignId: number, work: (tx: EntityManager) => Promise<T>) => work({} as EntityManager),
      commitBatch: async (_tx: EntityManager, target: CommitTarget) => {
        signerChanges.push({ change: 'commit', target });
        return commitCounts;
      },
      retractBatch: async (_tx: EntityManager, target: CommitTarget) => void signerChanges.push({ change: 'retract', target }),
      retractionEffect: async () => effect,
    } as unknown as SignersRepository;
    const batchesService = {
      accessible: async (_user: User, id: string) => {
        const found = store.batches.get(id);
        if (!found) throw new Error(`no batch ${id}`);
        return { batch: { ...found }, sectionCode: 'NL' };
      },
    } as unknown as BatchesService;
    const campaigns = { findById: async (id: number) => ({ id, timezone: 'Europe/Amsterdam' }) } as unknown as CampaignsRepository;
    const jobs = { refreshTotals: async (campaignId: number, reason: string) => void refreshed.push(`${campaignId}:${reason}`) } as unknown as JobQueue;
    const clock = { now: () => NOW } as Clock;
    const audit = { record: async (_tx: EntityManager, entry: AuditEntry) => void audited.push(entry) } as unknown as AuditLog;
    return new DedupeService(signers, store.status, {} as DuplicatesRepository, store.batchesRepository, batchesService, campaigns, jobs, clock, audit);
  }
  const target = (id: string): CommitTarget => ({ batchId: id, batchSeq: '1', campaignId: 7, sectionId: 3, timezone: 'Europe/Amsterdam' });

  describe('commit', () => {
    it('commits a deduplicating batch once, with counters from what the signers table reports', async () => {
      const dedupe = service(batch({ id: 'b', status: 'deduplicating', accepted: 100 }));
      commitCounts = { distinctKeys: 90, existing: 15 };

      await dedupe.commit('b');
      expect(signerChanges).toEqual([{ change: 'commit', target: target('b') }]);
      expect(store.batches.get('b')).toMatchObject({
        status: 'aggregating',
        committedAt: NOW,
        progress: 0.9,
        duplicatesInBatch: 10,
        duplicatesExisting: 15,
        counted: 75,
      });
    });

    it('commits nothing for a batch committed before, not yet parsed, failed, retracted or missing', async () => {
      const dedupe = service(
        batch({ id: 'again', status: 'deduplicating', committedAt: new Date('2017-05-01T00:00:00Z') }),
        batch({ id: 'parsing', status: 'parsing' }),
        batch({ id: 'failed', status: 'failed' }),
        batch({ id: 'retracted', status: 'retracted' }),
      );
      for (const id of ['again', 'parsing', 'failed', 'retracted', 'missing']) await dedupe.commit(id);

      expect(signerChanges).toEqual([]);
      expect([...store.batches.values()].map((b) => [b.id, b.status])).toEqual([
        ['again', 'deduplicating'],
        ['parsing', 'parsing'],
        ['failed', 'failed'],
        ['retracted', 'retracted'],
      ]);
    });
  });

  describe('retract', () => {
    it('refuses a failed batch with a 409 that says nothing of it was counted', async () => {
      const dedupe = service(batch({ id: 'b', status: 'failed', error: 'bad file' }));
      await expect(dedupe.retract(ADMIN, 'b')).rejects.toMatchObject({
        statusCode: 409,
        code: 'batch_failed',
        message: expect.stringContaining('nothing of it was counted'),
      });
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', retractedAt: null });
      expect(signerChanges).toEqual([]);
      expect(refreshed).toEqual([]);
      expect(audited).toEqual([]);
    });

    it('takes a committed batch out of the signers, deletes its rows and refreshes the totals', async () => {
      const dedupe = service(batch({ id: 'b', status: 'done', committedAt: new Date('2017-05-01T00:00:00Z') }));
      const view = await dedupe.retract(ADMIN, 'b');

      expect(view).toMatchObject({ id: 'b', section: 'NL', status: 'retracted', retractedAt: NOW });
      expect(signerChanges).toEqual([{ change: 'retract', target: target('b') }]);
      expect(store.rowsDeleted).toEqual(['b']);
      expect(refreshed).toEqual(['7:retract-b']);
      expect(audited).toEqual([expect.objectContaining({ action: 'batch.retract', actor: ADMIN, batchId: 'b', sectionCode: 'NL', detail: { kind: 'signatures', wasStatus: 'done' } })]);
    });

    it('retracts a batch not committed yet without touching the signers', async () => {
      const dedupe = service(batch({ id: 'b', status: 'parsing' }));
      expect(await dedupe.retract(ADMIN, 'b')).toMatchObject({ status: 'retracted' });
      expect(signerChanges).toEqual([]);
      expect(store.batches.get('b')).toMatchObject({ status: 'retracted', retractedAt: NOW });
    });

    it('is idempotent: retracting again changes nothing and keeps the first retraction time', async () => {
      const first = new Date('2017-05-01T18:00:00Z');
      const dedupe = service(batch({ id: 'b', status: 'retracted', committedAt: new Date('2017-05-01T00:00:00Z'), retractedAt: first }));
      expect(await dedupe.retract(ADMIN, 'b')).toMatchObject({ status: 'retracted', retractedAt: first });
      expect(signerChanges).toEqual([]);
      expect(store.rowsDeleted).toEqual([]);
      expect(audited).toEqual([]);
    });
  });

  describe('retractionEffect', () => {
    it("of a tally: its count stops counting, unless it is retracted already; nobody counts elsewhere", async () => {
      const dedupe = service(
        batch({ id: 'paper', kind: 'tally', status: 'done', tallyCount: 120 }),
        batch({ id: 'gone', kind: 'tally', status: 'retracted', tallyCount: 120 }),
      );
      expect(await dedupe.retractionEffect(ADMIN, 'paper')).toMatchObject({ removed: 120, countedElsewhere: 0 });
      expect(await dedupe.retractionEffect(ADMIN, 'gone')).toMatchObject({ removed: 0, countedElsewhere: 0 });
    });

    it('of a committed file: the signers it counted, less those who count again through another batch', async () => {
      const dedupe = service(batch({ id: 'b', status: 'done', committedAt: new Date('2017-05-01T00:00:00Z') }));
      effect = { counted: 50, countedElsewhere: 8 };
      expect(await dedupe.retractionEffect(ADMIN, 'b')).toMatchObject({ batch: { id: 'b', section: 'NL' }, removed: 42, countedElsewhere: 8 });
    });

    it('of a file not committed, or retracted already: nothing', async () => {
      const dedupe = service(batch({ id: 'new', status: 'parsing' }), batch({ id: 'old', status: 'retracted', committedAt: new Date('2017-05-01T00:00:00Z') }));
      effect = { counted: 50, countedElsewhere: 8 };
      expect(await dedupe.retractionEffect(ADMIN, 'new')).toMatchObject({ removed: 0, countedElsewhere: 0 });
      expect(await dedupe.retractionEffect(ADMIN, 'old')).toMatchObject({ removed: 0, countedElsewhere: 0 });
    });
  });

  describe('fail', () => {
    it('takes a committed batch back out of the signers before failing it, and refreshes the totals', async () => {
      const dedupe = service(batch({ id: 'b', status: 'aggregating', committedAt: new Date('2017-05-01T00:00:00Z') }));
      await dedupe.fail('b', 'aggregate gave up');

      expect(signerChanges).toEqual([{ change: 'retract', target: target('b') }]);
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: 'aggregate gave up', committedAt: null });
      expect(refreshed).toEqual(['7:fail-b']);
    });

    it('fails a batch that never counted without refreshing the totals, and leaves a done batch alone', async () => {
      const dedupe = service(batch({ id: 'b', status: 'deduplicating' }), batch({ id: 'done', status: 'done', committedAt: new Date('2017-05-01T00:00:00Z') }));
      await dedupe.fail('b', 'dedupe gave up');
      await dedupe.fail('done', 'too late');

      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: 'dedupe gave up' });
      expect(store.batches.get('done')).toMatchObject({ status: 'done', error: null });
      expect(signerChanges).toEqual([]);
      expect(refreshed).toEqual([]);
    });
  });
});
