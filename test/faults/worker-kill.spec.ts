import { faultCaused } from '../support/fault-results';
import { FaultStack, PUBLISH_LOCK } from '../support/fault-stack';
import { recovered } from '../support/recount';
import { exportOf, largeExport, signing } from '../support/signature-exports';

/**
 * Fault 1: a worker process killed without warning (SIGKILL, as the OOM killer does) during each stage of a batch.
 * Invariant 1: another worker, or a restarted one, finishes the batch, and every signer counts once.
 */
describe('fault 1: a worker killed during parse, dedupe and aggregate', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('worker-kill');
  });
  afterAll(() => stack?.stop());

  it('during parse: the other worker parses the killed one’s chunk again and the batch counts exactly', async () => {
    const { slug } = await stack.newCampaign('kill-parse');
    const file = largeExport(150_000);
    const batchId = await stack.uploadParsedByAll(slug, 'NL', file.bytes);

    const fault = faultCaused(1, 'SIGKILL 1 of 2 workers during parse (150,000 rows)');
    await stack.signalWorkers('SIGKILL', stack.running().slice(0, 1));
    expect(await stack.batch(batchId)).toMatchObject({ status: 'parsing', counted: 0 });

    await recovered(stack, slug, { online: file.people.size }, fault);
    expect(await stack.batch(batchId)).toMatchObject({ status: 'done', rows: file.rows, accepted: file.accepted, duplicatesInBatch: file.accepted - file.people.size, counted: file.people.size });
    await stack.startWorker();
  });

  it('during dedupe: the commit is rolled back with its worker, and a restarted worker commits the batch once', async () => {
    const { slug } = await stack.newCampaign('kill-dedupe');
    const file = largeExport(150_000);
    const { body } = await stack.upload(slug, 'DE', file.bytes).expect(202);
    await stack.until('the dedupe stage to run its commit', () => stack.committing(), { timeoutMs: 90_000, everyMs: 10 });

    const fault = faultCaused(1, 'SIGKILL the workers mid-commit of dedupe (150,000 rows)');
    await stack.signalWorkers('SIGKILL'); // every worker, so the one committing is among them
    expect(await stack.batch(body.id)).toMatchObject({ status: 'deduplicating', counted: 0, committedAt: null });

    await stack.startWorker();
    await recovered(stack, slug, { online: file.people.size }, fault);
    expect(await stack.batch(body.id)).toMatchObject({ status: 'done', duplicatesExisting: 0, counted: file.people.size });
    await stack.startWorker();
  });

  it('during aggregate: the batch is counted but not yet published, and a restarted worker publishes it', async () => {
    const { slug, id } = await stack.newCampaign('kill-aggregate');
    const file = exportOf(signing(0, 5000));
    // Publishing takes this lock first: holding it keeps the aggregate stage inside its transaction until the kill.
    const gate = await stack.holdLock(PUBLISH_LOCK, id);
    const { body } = await stack.upload(slug, 'FR', file.bytes).expect(202);
    await stack.batchWhen(body.id, 'aggregating', (b) => b.status === 'aggregating');
    await stack.lockWaiters(PUBLISH_LOCK, id, 1);

    const fault = faultCaused(1, 'SIGKILL the workers during aggregate (publish)');
    await stack.signalWorkers('SIGKILL');
    await gate.release();
    expect((await stack.totals(slug)).online).toBe(0); // committed in the database, never published

    await stack.startWorker();
    await recovered(stack, slug, { online: 5000 }, fault);
    await stack.startWorker();
  });
});
