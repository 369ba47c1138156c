import { readFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { campaignDefinition } from '../support/builders';
import { TestApp } from '../support/test-app';
import { WorkerProcesses } from '../support/worker-processes';

const ROWS = 200_000;

/** Peak resident memory of a process so far (Linux's high-water mark), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** Streaming end to end (issue 3): the worker's memory must not grow with the size of the file. */
describe('worker memory on a large file', () => {
  let t: TestApp;
  let workers: WorkerProcesses;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    workers = new WorkerProcesses(t.world.env);
  });
  afterAll(async () => {
    await workers?.stopAll();
    await t?.close();
  });

  it(`parses and counts ${ROWS.toLocaleString('en')} rows with a worker whose peak RSS stays under 300 MB`, async () => {
    const admin = await t.token('admin');
    await t.http.put('/api/campaigns/test-campaign').set('Authorization', `Bearer ${admin}`).send(campaignDefinition()).expect(200);
    const scripts = ['Anna', 'Юлия', '王小明', 'فاطمة', 'Γιώργος', 'सीता', 'สมชาย'];
    const rows = Array.from({ length: ROWS }, (_, i) => [`${scripts[i % scripts.length]} Person${i}`, `Family${i}`, `person${i % (ROWS - 20_000)}@example.org`, 'NL', 'Utrecht', '2017-05-01']);
    const file = Buffer.from(stringify([['First name', 'Last name', 'Email', 'Country', 'City', 'Signed at'], ...rows]));

    const worker = workers.start();
    const { body } = await t.http.post('/api/campaigns/test-campaign/sections/NL/batches').set('Authorization', `Bearer ${admin}`).attach('file', file, 'big.csv').expect(202);
    const done = await t.waitForBatch(admin, body.id, ['done', 'failed'], 120_000);
    expect(done).toMatchObject({ status: 'done', rows: ROWS, accepted: ROWS, duplicatesInBatch: 20_000, counted: ROWS - 20_000 });

    const peak = await peakRssMb(worker.pid!);
    console.log(`worker peak RSS for ${ROWS} rows (${(file.length / 1e6).toFixed(1)} MB): ${peak.toFixed(0)} MB`);
    expect(peak).toBeLessThan(300);
  });
});
