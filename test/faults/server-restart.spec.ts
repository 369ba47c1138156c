import { jobId } from '../../src/queue/jobs';
import { faultCaused } from '../support/fault-results';
import { FaultStack } from '../support/fault-stack';
import { restartServer } from '../support/private-servers';
import { recovered } from '../support/recount';
import { largeExport } from '../support/signature-exports';

/** How long each server stays down: long enough that every process notices, as in a real restart or failover. */
const DOWN_MS = 3000;

/**
 * Faults 2 and 3: Redis (AOF on) and PostgreSQL restarted in the middle of a batch, under the API and two workers.
 * Nothing may crash, stay stuck or count twice: the jobs resume (Redis) or their stage is retried (PostgreSQL).
 */
describe('faults 2 and 3: Redis and PostgreSQL restarted mid-batch', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('server-restart');
  });
  afterAll(() => stack?.stop());

  /** Uploads 150,000 rows, waits for `moment`, restarts `server`, checks that everything recovers exactly; returns the batch's id. */
  async function restartDuring(server: 'redis' | 'postgres', moment: { what: string; reached: (batchId: string) => Promise<boolean> }, fault: string): Promise<string> {
    const { slug } = await stack.newCampaign(`restart-${server}`);
    const file = largeExport(150_000);
    const { body } = await stack.upload(slug, 'NL', file.bytes).expect(202);
    await stack.until(moment.what, () => moment.reached(body.id), { timeoutMs: 90_000, everyMs: 10 });

    const caused = faultCaused(server === 'redis' ? 2 : 3, fault);
    await restartServer(server, DOWN_MS);
    expect((await stack.batch(body.id)).status).not.toBe('done'); // the fault fell in the middle of the batch
    await recovered(stack, slug, { online: file.people.size }, caused);

    expect(await stack.batch(body.id)).toMatchObject({ status: 'done', rows: file.rows, accepted: file.accepted, counted: file.people.size });
    const stopped = [stack.api!, ...stack.workers].filter((p) => !p.running);
    expect(stopped.map((p) => `${p.name}: ${p.exitReason}`)).toEqual([]);
    return body.id;
  }

  it('Redis restarted while both workers parse: the jobs resume, nothing stuck, nothing counted twice', async () => {
    const parsing = async (id: string) => {
      const batch = await stack.batch(id);
      return batch.status === 'parsing' && batch.progress > 0.2;
    };
    await restartDuring('redis', { what: 'the batch to be well into parsing', reached: parsing }, `Redis restarted (down ${DOWN_MS / 1000} s) during parse`);
  });

  it('PostgreSQL restarted while the dedupe stage commits: the stage is retried and counts once', async () => {
    const batchId = await restartDuring('postgres', { what: 'the dedupe stage to run its commit', reached: () => stack.committing() }, `PostgreSQL restarted (down ${DOWN_MS / 1000} s) mid-commit of dedupe`);
    // Its first commit was cut off with the server (BullMQ keeps the error of each failed run); a retry committed it.
    const dedupe = await stack.queue('dedupe').getJob(jobId('dedupe', batchId));
    expect(dedupe?.stacktrace?.length).toBeGreaterThanOrEqual(1);
  });
});
