import { createServer } from 'node:net';
import { people } from '../support/builders';
import { TestApp } from '../support/test-app';
import { WorkerProcesses } from '../support/worker-processes';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('a worker process with METRICS_PORT', () => {
  let t: TestApp;
  let workers: WorkerProcesses;
  afterAll(async () => {
    await workers?.stopAll();
    await t?.close();
  });

  it('serves the metrics of the jobs it ran on 127.0.0.1', async () => {
    t = await TestApp.start({ workers: false });
    const port = await freePort();
    workers = new WorkerProcesses({ ...t.world.env, METRICS_PORT: String(port) });
    workers.start();
    const admin = await t.token('admin');
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(4, 'w'));

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/^handin_rows_parsed_total\{outcome="accepted"\} 4$/m);
    expect(text).toMatch(/^handin_stage_duration_seconds_count\{stage="dedupe"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    // The API ran no job: its own metrics have no stage runs.
    expect((await t.http.get('/metrics').expect(200)).text).not.toMatch(/^handin_stage_duration_seconds_count\{stage="dedupe"\}/m);
  });
});
