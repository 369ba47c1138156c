import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobId } from '../../src/queue/jobs';
import { faultCaused } from '../support/fault-results';
import { FaultStack } from '../support/fault-stack';
import { recovered } from '../support/recount';
import { exportOf, signing } from '../support/signature-exports';

/**
 * Fault 5: a coordinator's double click (the same upload twice at the same moment, over HTTP and with the CLI), and
 * the same job enqueued twice (as a retried request or the recovery sweep would). Invariant 2: one batch; one count.
 */
describe('fault 5: the same upload twice at once, the same job twice', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('duplicate-requests');
  });
  afterAll(() => stack?.stop());

  it('two uploads of one file at the same moment make one batch, and its flow enqueued again runs nothing twice', async () => {
    const { slug, id: campaignId } = await stack.newCampaign('double-upload');
    const file = exportOf(signing(0, 20_000), 10);

    const fault = faultCaused(5, 'one file uploaded twice at once (HTTP), its flow enqueued twice more');
    const both = await Promise.all([stack.upload(slug, 'NL', file.bytes), stack.upload(slug, 'NL', file.bytes, 'same-again.csv')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 202]);
    const batchId = both[0].body.id;
    expect(both[1].body.id).toBe(batchId);

    // The batch's whole flow enqueued twice more while its first run is under way: the same job ids, nothing added.
    const jobs = stack.jobQueue();
    await Promise.all([jobs.startBatchFlow(batchId, campaignId), jobs.startBatchFlow(batchId, campaignId)]);
    await recovered(stack, slug, { online: file.people.size }, fault);
    expect(await stack.batch(batchId)).toMatchObject({ status: 'done', counted: file.people.size, duplicatesExisting: 0 });

    // Later, once its finished jobs are gone (kept a day), the same flow enqueued again runs every stage again:
    // each finds the batch done and changes nothing.
    for (const queue of ['parse', 'dedupe', 'aggregate'] as const) await stack.queue(queue).clean(0, 10_000, 'completed');
    const again = faultCaused(5, 'a done batch’s flow enqueued again after its jobs expired');
    await jobs.startBatchFlow(batchId, campaignId);
    await stack.until('the flow enqueued again to run', async () => (await stack.queue('aggregate').getJobState(jobId('aggregate', batchId))) === 'completed', { timeoutMs: 60_000 });
    await recovered(stack, slug, { online: file.people.size }, again);
    expect(await stack.batch(batchId)).toMatchObject({ status: 'done', counted: file.people.size });
    const [{ batches }] = await stack.sql('SELECT count(*)::int AS batches FROM batches WHERE campaign_id = $1', [campaignId]);
    expect(batches).toBe(1);
  });

  it('two `batch:upload` commands for one file at the same moment make one batch', async () => {
    const { slug, id: campaignId } = await stack.newCampaign('double-cli');
    const file = exportOf(signing(50_000, 70_000), 10);
    const path = join(stack.dir, 'double-cli.csv');
    await writeFile(path, file.bytes);

    const fault = faultCaused(5, 'one file queued twice at once with the CLI (batch:upload)');
    const printed = await Promise.all([1, 2].map(() => stack.cli('batch:upload', '--campaign', slug, '--section', 'DE', '--file', path)));
    const said = printed.map((out) => /(queued new|already uploaded as) batch (\S+)/.exec(out)!).sort((a, b) => a[1].localeCompare(b[1]));
    expect(said.map((m) => m[1])).toEqual(['already uploaded as', 'queued new']);
    expect(said[0][2]).toBe(said[1][2]);

    await recovered(stack, slug, { online: file.people.size }, fault);
    const [{ batches }] = await stack.sql('SELECT count(*)::int AS batches FROM batches WHERE campaign_id = $1', [campaignId]);
    expect(batches).toBe(1);
  });
});
