import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { DedupeService } from '../../src/modules/dedupe/dedupe.service';
import { BatchRecoveryService } from '../../src/modules/ingest/batch-recovery.service';
import { BatchesRepository } from '../../src/modules/ingest/batches.repository';
import { FileRetentionService } from '../../src/modules/ingest/file-retention.service';
import { TotalsService } from '../../src/modules/totals/totals.service';
import { JobQueue } from '../../src/queue/job-queue';
import { people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const DATABASE_DOWN = 'the database is not answering';

/**
 * Nothing stuck, nothing silent: the recovery sweep finishes batches whose jobs were lost or whose give-up did not
 * get through, every stage's final failure leaves the batch failed with a message, and an admin can retry a batch
 * that failed because a stage gave up (API and CLI), which counts it exactly once. Faults are injected by making
 * the stage's service throw, as a database that does not answer would.
 */
describe('stuck and failed batches', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'recovery';

  beforeAll(async () => {
    // Retries a few milliseconds apart, so that a stage gives up within a second; a dead worker's job moves on
    // within 1.5 s.
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug, config: { queueRetryDelayMs: 20, queueLockMs: 1000 } }));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t?.close());

  const sweep = () => t.app.get(BatchRecoveryService).sweep();
  const batch = async (id: string) => (await t.http.get(`/api/batches/${id}`).set(auth(admin)).expect(200)).body;
  const retry = (token: string, id: string) => t.http.post(`/api/batches/${id}/retry`).set(auth(token));
  const online = async () => (await t.totals(admin, slug)).online;
  const signersOf = async (id: string) => (await t.world.sql('SELECT count(*)::int AS n FROM signers WHERE batch_id = $1', [id]))[0].n;
  const failureKind = async (id: string) => (await t.world.sql('SELECT failure_kind FROM batches WHERE id = $1', [id]))[0].failure_kind;
  const uploadKept = (id: string) => existsSync(join(t.world.config.storageDir, 'batches', id, 'upload'));
  /** As if the batch had been uploaded an hour ago: past the recovery sweep's grace period. */
  const uploadedAnHourAgo = (id: string) => t.world.sql(`UPDATE batches SET created_at = created_at - interval '1 hour' WHERE id = $1`, [id]);
  /** Every publication of a batch's totals fails; the other ones (after a failure) go through. */
  const failPublishingBatches = () => {
    const totals = t.app.get(TotalsService);
    const publish = totals.refresh.bind(totals);
    return jest.spyOn(totals, 'refresh').mockImplementation(async (campaignId, batchId) => {
      if (batchId) throw new Error(DATABASE_DOWN);
      return publish(campaignId, batchId);
    });
  };
  /** A batch whose dedupe stage gives up: failed, counting nothing, for a reason that is not its file. */
  const failedInDedupe = async (rows: number, prefix: string) => {
    const commit = jest.spyOn(t.app.get(DedupeService), 'commit').mockRejectedValue(new Error(DATABASE_DOWN));
    const failed = await t.uploadAndWait(admin, slug, 'NL', people(rows, prefix));
    commit.mockRestore();
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining(`Counting the batch failed repeatedly (${DATABASE_DOWN})`) });
    return failed;
  };

  it('queues the jobs of a batch whose upload never queued them, once past the grace period, and counts it exactly once', async () => {
    const before = await online();
    // The process that took the upload dies after writing the batch and its file, before queuing its jobs.
    jest.spyOn(t.app.get(JobQueue), 'startBatchFlow').mockResolvedValueOnce(undefined);
    const { body } = await t.upload(admin, slug, 'NL', people(40, 'lost')).expect(202);

    expect(await sweep()).toEqual({ restarted: 0, failed: 0 }); // it may be queuing them right now
    expect((await batch(body.id)).status).toBe('queued');

    await uploadedAnHourAgo(body.id);
    expect(await sweep()).toEqual({ restarted: 1, failed: 0 });
    expect(await t.waitForBatch(admin, body.id)).toMatchObject({ status: 'done', accepted: 40, counted: 40 });
    expect(await sweep()).toEqual({ restarted: 0, failed: 0 });
    expect(await online()).toBe(before + 40);
    expect(await signersOf(body.id)).toBe(40);
  });

  it('fails a batch whose aggregate stage gave up, with a message, counting none of it; a retry counts it exactly once', async () => {
    const before = await online();
    const publishing = failPublishingBatches();
    const failed = await t.uploadAndWait(admin, slug, 'NL', people(30, 'gaveup'));
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining(`Publishing the totals failed repeatedly (${DATABASE_DOWN})`) });
    expect(await online()).toBe(before);
    expect(await signersOf(failed.id)).toBe(0);
    // A stage gave up, not the file: it is kept for a retry while sweeps run.
    expect(await failureKind(failed.id)).toBe('infrastructure');
    await t.app.get(FileRetentionService).sweep();
    expect(uploadKept(failed.id)).toBe(true);

    publishing.mockRestore();
    const retried = await retry(admin, failed.id).expect(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'queued', error: null, counted: 0 });
    const [line] = (await t.http.get('/api/audit').query({ action: 'batch.retry' }).set(auth(admin)).expect(200)).body.lines;
    expect(line).toMatchObject({ batchId: failed.id, campaign: slug, section: 'NL', detail: { attempt: 2 } });
    expect(await t.waitForBatch(admin, failed.id)).toMatchObject({ status: 'done', accepted: 30, counted: 30, error: null });
    expect(await online()).toBe(before + 30);
    expect(await signersOf(failed.id)).toBe(30);

    const again = await retry(admin, failed.id).expect(409);
    expect(again.body).toMatchObject({ error: 'batch_not_failed', message: expect.stringContaining('done') });
  });

  it('fails a batch whose stage gave up when the give-up itself could not get through, at the next sweep', async () => {
    const before = await online();
    failPublishingBatches();
    // The give-up fails too (the database is still down): the batch stays counted in "aggregating", its job failed.
    jest.spyOn(t.app.get(DedupeService), 'fail').mockRejectedValueOnce(new Error(DATABASE_DOWN));
    const { body } = await t.upload(admin, slug, 'NL', people(20, 'unnoticed')).expect(202);
    const stuck = (await t.app.get(BatchesRepository).findById(body.id))!;
    const deadline = Date.now() + 30_000;
    while ((await t.app.get(JobQueue).batchRunState(stuck)).state !== 'failed') {
      if (Date.now() > deadline) throw new Error('the aggregate job did not fail for good within 30 s');
      await sleep(50);
    }
    expect(await batch(body.id)).toMatchObject({ status: 'aggregating', counted: 20 });

    await uploadedAnHourAgo(body.id);
    expect(await sweep()).toEqual({ restarted: 0, failed: 1 });
    expect(await batch(body.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('Publishing the totals failed repeatedly') });
    expect(await signersOf(body.id)).toBe(0);
    expect(await online()).toBe(before);
  });

  it('gives up a job whose worker keeps dying, after its third stall, leaving its batch failed with a message', async () => {
    const redis = new Redis(t.world.config.redisUrl);
    try {
      // Every run of the dedupe stage hangs, as in a worker that was killed. Taking the run's lock away then makes
      // it stall, as the lock of a killed worker would lapse; the hung run is let go so that its slot is free again.
      const hung: (() => void)[] = [];
      jest.spyOn(t.app.get(DedupeService), 'commit').mockImplementation(() => new Promise((resolve) => hung.push(resolve)));
      const { body } = await t.upload(admin, slug, 'NL', people(5, 'stalls')).expect(202);
      const lock = `${t.world.config.redisPrefix}:bull:dedupe:dedupe-${body.id}:lock`;
      let kills = 0;
      const deadline = Date.now() + 60_000;
      while ((await batch(body.id)).status !== 'failed') {
        if (Date.now() > deadline) throw new Error(`the batch did not fail within 60 s, after ${kills} kills`);
        if (hung.length > 0 && (await redis.del(lock)) === 1) {
          kills += 1;
          hung.splice(0).forEach((release) => release());
        }
        await sleep(20);
      }
      expect(kills).toBe(3); // run again after two stalls, failed for good at the third
      expect(await batch(body.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('Counting the batch failed repeatedly (job stalled more than allowable limit)') });
      expect(await failureKind(body.id)).toBe('infrastructure');
    } finally {
      await redis.quit();
    }
  });

  it('retries only for the campaign lead, and refuses a batch whose file was the problem', async () => {
    const coordinator = await t.token('coordinator', 'NL');
    const { body } = await t.upload(admin, slug, 'NL', 'Email\nonly-an-address@example.org\n').expect(202);
    const failed = await t.waitForBatch(admin, body.id);
    expect(failed.status).toBe('failed');
    expect(await failureKind(failed.id)).toBe('content');
    await t.waitForIdle(); // the file sweep that follows the failure
    expect(uploadKept(failed.id)).toBe(false);

    await retry(coordinator, failed.id).expect(403);
    const refused = await retry(admin, failed.id).expect(409);
    expect(refused.body).toMatchObject({ error: 'batch_not_retryable', message: expect.stringContaining('Fix the file and upload it again') });
    expect((await batch(failed.id)).status).toBe('failed');
  });

  it('refuses to retry a batch whose file was uploaded again, or was deleted after the retry window', async () => {
    const failed = await failedInDedupe(10, 'window');
    // The same file again: a new batch counts it, and the failed one has nothing left to do.
    const again = await t.uploadAndWait(admin, slug, 'NL', people(10, 'window'));
    expect(again).toMatchObject({ status: 'done', counted: 10 });
    expect((await retry(admin, failed.id).expect(409)).body.error).toBe('batch_uploaded_again');

    await t.waitForIdle(); // the file sweeps that follow the ends of both batches
    await t.world.sql(`UPDATE batches SET ended_at = ended_at - interval '73 hours' WHERE id = $1`, [failed.id]);
    expect((await t.app.get(FileRetentionService).sweep()).sources).toBe(1);
    expect(uploadKept(failed.id)).toBe(false);
    expect((await retry(admin, failed.id).expect(409)).body.error).toBe('batch_file_deleted');
  });

  it('retries from the command line (`batches:retry --batch ID`)', async () => {
    const before = await online();
    const failed = await failedInDedupe(15, 'cli');
    expect(await online()).toBe(before);

    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'batches:retry', '--batch', failed.id], { env: { ...process.env, ...t.world.env } });
    expect(stdout).toContain(`batch ${failed.id} is queued again`);
    expect(await t.waitForBatch(admin, failed.id)).toMatchObject({ status: 'done', counted: 15 });
    expect(await online()).toBe(before + 15);
  });
});
