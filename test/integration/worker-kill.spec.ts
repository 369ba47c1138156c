import { auth, sleep, TestApp } from '../support/test-app';
import { exited, WorkerProcesses } from '../support/worker-processes';

/** Invariant 1: a crash or kill at any moment loses no accepted row and counts none twice. */
describe('worker killed mid-batch', () => {
  let t: TestApp;
  let admin: string;
  const slug = 'test-campaign';
  let workers: WorkerProcesses;

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin({ campaign: slug, workers: false, config: { queueLockMs: 2000 } }));
    workers = new WorkerProcesses(t.world.env);
  });
  afterAll(async () => {
    await workers?.stopAll();
    await t?.close();
  });

  const batch = async (id: string) => (await t.http.get(`/api/batches/${id}`).set(auth(admin)).expect(200)).body;

  it('a worker killed (SIGKILL) in the middle of a batch and restarted finishes the batch with exact counts', async () => {
    const file = bigExport();
    const victim = workers.start();
    const { body } = await t.upload(admin, slug, 'NL', file.bytes, { name: 'big-export.csv' }).expect(202);

    // Wait until the worker is well into the batch, then kill it without warning.
    const deadline = Date.now() + 60_000;
    let seen = await batch(body.id);
    while (!((seen.status === 'parsing' && seen.progress > 0.1) || seen.status === 'deduplicating')) {
      if (['aggregating', 'done', 'failed'].includes(seen.status)) throw new Error(`batch got to ${seen.status} before the worker could be killed; make the file bigger`);
      if (Date.now() > deadline) throw new Error(`batch still ${seen.status} (progress ${seen.progress}) after 60 s`);
      await sleep(25);
      seen = await batch(body.id);
    }
    victim.kill('SIGKILL');
    await exited(victim);

    const afterKill = await batch(body.id);
    expect(['parsing', 'deduplicating']).toContain(afterKill.status);
    expect(afterKill.counted).toBe(0);

    workers.start();
    const done = await t.waitForBatch(admin, body.id, ['done', 'failed'], 90_000);
    expect(done).toMatchObject({
      status: 'done',
      rows: file.rows,
      accepted: file.accepted,
      rejected: file.rows - file.accepted,
      rejectionsByReason: { invalid_email: file.rows - file.accepted },
      duplicatesInBatch: file.accepted - file.unique,
      duplicatesExisting: 0,
      counted: file.unique,
    });

    await t.waitForIdle(30_000);
    const totals = (await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(admin)).expect(200)).body;
    expect(totals).toMatchObject({ online: file.unique, total: file.unique, bySection: [{ section: 'NL', online: file.unique, offline: 0 }] });
    const [{ signatures }] = await t.world.sql('SELECT count(*)::int AS signatures FROM signatures WHERE batch_id = $1', [body.id]);
    expect(signatures).toBe(file.accepted);
    const report = await t.http.get(`/api/batches/${body.id}/rejections.csv`).set(auth(admin)).expect(200);
    const reported = report.text.trim().split('\n').slice(1);
    expect(reported).toHaveLength(file.rows - file.accepted);
    expect(new Set(reported.map((line) => line.split(',')[0])).size).toBe(reported.length);
    const [{ signers }] = await t.world.sql('SELECT count(*)::int AS signers FROM signers WHERE batch_id = $1', [body.id]);
    expect(signers).toBe(file.unique);
  });
});

/**
 * 150,000 rows: 134,900 people, 15,000 repeats of some of them (other case, later date) and 100 malformed
 * e-mails. Built as text directly; the row builders are too slow for this size.
 */
function bigExport() {
  const unique = 134_900;
  const repeats = 15_000;
  const malformed = 100;
  const lines = ['First name,Last name,Email,Signed at'];
  const t0 = Date.parse('2017-05-01T00:00:00Z');
  const at = (i: number) => new Date(t0 + i * 10_000).toISOString();
  for (let i = 0, repeated = 0, broken = 0; i < unique; i++) {
    lines.push(`First${i},Person${i},person${i}@example.org,${at(i)}`);
    if (i % 8 === 0 && repeated++ < repeats) lines.push(`First${i},Person${i},PERSON${i}@Example.org,${at(i + unique)}`);
    if (i % 1000 === 1 && broken++ < malformed) lines.push(`Bad${i},Mail${i},not-an-address-${i},${at(i)}`);
  }
  const rows = lines.length - 1;
  if (rows !== unique + repeats + malformed) throw new Error(`built ${rows} rows`);
  return { bytes: Buffer.from(lines.join('\n') + '\n'), rows, accepted: unique + repeats, unique };
}

