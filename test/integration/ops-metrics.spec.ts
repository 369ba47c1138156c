import { JobQueue } from '../../src/queue/job-queue';
import { people } from '../support/builders';
import { auth, TestApp } from '../support/test-app';

/** `name{labels} value` lines of a Prometheus text exposition, by series. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** Scrapes until `check` passes (the pipeline finishes a job a moment after the batch says done), or fails with its error. */
async function eventually(scrape: () => Promise<Map<string, number>>, check: (metrics: Map<string, number>) => void, timeoutMs = 20000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await scrape();
    try {
      check(metrics);
      return metrics;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const PIPELINE_QUEUES = ['parse', 'dedupe', 'aggregate', 'packs'];

describe('GET /metrics', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const response = await t.http.get('/metrics').expect(200); // no sign-in: Prometheus scrapes it
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return parseMetrics(response.text);
  };

  it('reports the queues, the stages, the rows parsed, the requests and the age of the totals after an ingest', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(5, 'x'));

    const metrics = await eventually(scrape, (m) => {
      for (const queue of PIPELINE_QUEUES) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(m.get(`handin_queue_jobs{queue="${queue}",state="${state}"}`)).toBe(0);
      }
    });
    expect(metrics.has('handin_queue_jobs{queue="maintenance",state="waiting"}')).toBe(true);
    // One file of 5 rows is one chunk; its flow ran each stage once (the campaign import queued one aggregate more).
    expect(metrics.get('handin_stage_duration_seconds_count{stage="parse-chunk"}')).toBe(1);
    expect(metrics.get('handin_stage_duration_seconds_count{stage="parse"}')).toBe(1);
    expect(metrics.get('handin_stage_duration_seconds_count{stage="dedupe"}')).toBe(1);
    expect(metrics.get('handin_stage_duration_seconds_count{stage="aggregate"}')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('handin_stage_duration_seconds_sum{stage="dedupe"}')).toBeGreaterThan(0);
    expect(metrics.get('handin_rows_parsed_total{outcome="accepted"}')).toBe(5);
    expect(metrics.get('handin_rows_parsed_total{outcome="rejected"}')).toBe(0);
    expect(metrics.get('handin_http_requests_total{method="POST",route="/api/campaigns/:slug/sections/:section/batches",status="202"}')).toBe(1);
    expect(metrics.get(`handin_totals_age_seconds{campaign="${slug}"}`)).toBeGreaterThanOrEqual(0);
    expect(metrics.has('process_resident_memory_bytes')).toBe(true);
  });

  it('counts the requests the guard refused, by route pattern', async () => {
    await t.http.get('/api/batches/00000000-0000-0000-0000-000000000000').expect(401);
    const metrics = await scrape();
    expect(metrics.get('handin_http_requests_total{method="GET",route="/api/batches/:id",status="401"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts the public counter and the admin totals, which are answered ahead of Express', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'polled'));
    const counted = async () => {
      const metrics = await scrape();
      return [
        metrics.get('handin_http_requests_total{method="GET",route="/public/campaigns/:slug/counter",status="200"}') ?? 0,
        metrics.get('handin_http_requests_total{method="GET",route="/api/campaigns/:slug/totals",status="200"}') ?? 0,
      ];
    };
    const [countersBefore, totalsBefore] = await counted();
    for (let i = 0; i < 3; i++) await t.http.get(`/public/campaigns/${slug}/counter`).expect(200);
    for (let i = 0; i < 2; i++) await t.http.get(`/api/campaigns/${slug}/totals`).set(auth(admin)).expect(200);
    expect(await counted()).toEqual([countersBefore + 3, totalsBefore + 2]);
  });

  it('reports the cells a recount repaired as the drift', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(3, 'drift'));
    const [{ id: campaignId }] = await t.world.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);
    await t.world.sql(
      `UPDATE signer_counts SET count = count + 2 WHERE campaign_id = $1 AND section_id = (SELECT id FROM sections WHERE campaign_id = $1 AND code = 'NL')`,
      [campaignId],
    );
    const before = (await scrape()).get('handin_reconcile_repaired_cells_total') ?? 0;

    await t.app.get(JobQueue).reconcileNow(campaignId);

    const metrics = await eventually(scrape, (m) => expect(m.get('handin_stage_duration_seconds_count{stage="reconcile"}')).toBe(1));
    expect(metrics.get('handin_reconcile_repaired_cells_total')! - before).toBe(1);
  });
});

describe('GET /metrics while no worker takes the jobs', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('shows the waiting work per queue', async () => {
    t = await TestApp.start({ workers: false });
    const admin = await t.token('admin');
    const slug = await t.newCampaign(admin);
    const upload = (name: string) =>
      t.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set('Authorization', `Bearer ${admin}`).attach('file', Buffer.from(`Full name,Email\n${name},${name}@example.org\n`), 'export.csv').expect(202);
    await upload('a');
    await upload('b');

    const metrics = parseMetrics((await t.http.get('/metrics').expect(200)).text);
    expect(metrics.get('handin_queue_jobs{queue="parse",state="waiting"}')).toBe(2);
    expect(metrics.get('handin_queue_jobs{queue="dedupe",state="waiting"}')).toBe(0);
  });
});
