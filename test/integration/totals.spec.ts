import { request as httpRequest, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import { DedupeService } from '../../src/modules/dedupe/dedupe.service';
import { people, SignerRow } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

/** Totals as the campaign lead and coordinators see them (docs/design.md "Totals", invariant 3). */
describe('totals: tallies, shares, breakdowns, reconciliation and live updates', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin());
  });
  afterAll(() => t.close());

  const shares = (items: Record<string, any>[], key: string) => Object.fromEntries(items.map((i) => [i[key], { online: i.online, offline: i.offline }]));
  const sum = (items: { online: number }[]) => items.reduce((n, i) => n + i.online, 0);

  describe('tallies of paper signatures', () => {
    it('add to the total and to offline only, and show in the section and delivery point breakdowns', async () => {
      const slug = await t.newCampaign(admin);
      await t.ingest(admin, slug, 'NL', people(3, 'online'));

      const created = await t.tally(admin, slug, 'NL', { count: 120, country: 'NL', note: 'Pride march, Amsterdam' }).expect(202);
      expect(created.body).toMatchObject({ kind: 'tally', section: 'NL', tally: { count: 120, country: 'NL', deliveryPoint: 'HAGUE' } });
      expect(await t.waitForBatch(admin, created.body.id)).toMatchObject({ status: 'done' });
      // A tally for a country with its own routing rule goes to that rule's delivery point.
      await t.tally(admin, slug, 'DE', { count: 30, country: 'France', note: 'stand in Strasbourg' }).expect(202);

      const body = await t.totals(admin, slug);
      expect(body).toMatchObject({ total: 153, online: 3, offline: 150 });
      expect(shares(body.bySection, 'section')).toEqual({ NL: { online: 3, offline: 120 }, DE: { online: 0, offline: 30 } });
      expect(shares(body.byDeliveryPoint, 'deliveryPoint')).toEqual({ HAGUE: { online: 3, offline: 120 }, PARIS: { online: 0, offline: 30 } });
      expect(shares(body.byCountry, 'country')).toEqual({ NL: { online: 3, offline: 120 }, FR: { online: 0, offline: 30 } });
      expect(sum(body.byDay)).toBe(3);
    });

    it('with an unknown country is refused with a message naming it', async () => {
      const slug = await t.newCampaign(admin);
      const refused = await t.tally(admin, slug, 'NL', { count: 10, country: 'Atlantis', note: 'x' }).expect(400);
      expect(refused.body).toMatchObject({ statusCode: 400, error: 'invalid_tally', message: expect.stringContaining('Atlantis') });
      expect(await t.totals(admin, slug)).toMatchObject({ total: 0, offline: 0 });
    });

    it('stop counting when retracted', async () => {
      const slug = await t.newCampaign(admin);
      await t.ingest(admin, slug, 'NL', people(2, 'online'));
      const keep = await t.tally(admin, slug, 'NL', { count: 40, country: 'NL', note: 'market' }).expect(202);
      const wrong = await t.tally(admin, slug, 'NL', { count: 400, country: 'NL', note: 'typo: was 40' }).expect(202);
      expect(await t.totals(admin, slug)).toMatchObject({ total: 442, offline: 440 });

      expect((await t.retract(admin, wrong.body.id).expect(200)).body).toMatchObject({ status: 'retracted' });
      const body = await t.totals(admin, slug);
      expect(body).toMatchObject({ total: 42, online: 2, offline: 40 });
      expect(shares(body.bySection, 'section')).toEqual({ NL: { online: 2, offline: 40 } });
      expect(await t.waitForBatch(admin, keep.body.id)).toMatchObject({ status: 'done' });
    });
  });

  it("a coordinator sees only their own section's share", async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(4, 'nl'));
    await t.ingest(admin, slug, 'DE', people(6, 'de'));
    await t.tally(admin, slug, 'DE', { count: 50, country: 'DE', note: 'paper' }).expect(202);
    const coordinator = await t.token('coordinator', 'NL');

    const mine = await t.totals(coordinator, slug);
    expect(mine).toMatchObject({ section: 'NL', online: 4, offline: 0, total: 4 });
    expect(mine.bySection).toEqual([{ section: 'NL', online: 4, offline: 0 }]);
    expect(mine.byDeliveryPoint).toEqual([{ deliveryPoint: 'HAGUE', online: 4, offline: 0 }]);
    expect(JSON.stringify(mine)).not.toContain('"DE"');
    expect(await t.totals(admin, slug)).toMatchObject({ online: 10, offline: 50, total: 60 });
  });

  it('every breakdown sums to the online total after a mixed day, and totals.csv agrees', async () => {
    const slug = await t.newCampaign(admin);
    const spread = (n: number, prefix: string, extra: Partial<SignerRow>) =>
      people(n, prefix, '2017-05-01T20:00:00Z').map((p, i) => ({ ...p, signed: new Date(Date.parse('2017-05-01T20:00:00Z') + i * 7 * 3600_000).toISOString(), ...extra }));
    await t.ingest(admin, slug, 'NL', [...spread(10, 'nl', {}), ...spread(4, 'au', { country: 'AU', region: 'NSW' }), ...spread(3, 'shared', { country: 'FR' })]);
    await t.ingest(admin, slug, 'DE', [...spread(8, 'de', {}), ...spread(3, 'shared', { country: 'FR' }), ...spread(2, 'at', { country: 'AT' })]);
    const wrong = await t.ingest(admin, slug, 'FR', spread(5, 'fr', {}));
    await t.ingest(admin, slug, 'FR', spread(6, 'fr-ok', { city: 'Lyon' }));
    await t.retract(admin, wrong.id).expect(200);
    await t.tally(admin, slug, 'FR', { count: 25, country: 'FR', note: 'paper' }).expect(202);

    const body = await t.totals(admin, slug);
    expect(body.online).toBe(10 + 4 + 3 + 8 + 2 + 6);
    expect(body.offline).toBe(25);
    expect(body.total).toBe(body.online + body.offline);
    for (const breakdown of [body.bySection, body.byCountry, body.byDeliveryPoint, body.byDay]) expect(sum(breakdown)).toBe(body.online);
    expect(body.byDay.length).toBeGreaterThan(1);

    const file = await t.http.get(`/api/campaigns/${slug}/totals.csv`).set(auth(admin)).expect(200);
    expect(file.headers['content-type']).toContain('text/csv');
    const rows: string[][] = parseCsv(file.text);
    expect(rows[0]).toEqual(['breakdown', 'key', 'online', 'offline']);
    expect(rows.find((r) => r[0] === 'total')).toEqual(['total', 'all', String(body.online), String(body.offline)]);
    const csvSum = (kind: string) => rows.filter((r) => r[0] === kind).reduce((n, r) => n + Number(r[2]), 0);
    for (const kind of ['section', 'country', 'delivery point', 'day']) expect(csvSum(kind)).toBe(body.online);
  });

  it('reconciliation finds drifted counters and repairs them', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(5, 'nl'));
    await t.ingest(admin, slug, 'DE', people(3, 'de'));
    const exact = await t.totals(admin, slug);
    const [{ id: campaignId }] = await t.world.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);

    await t.world.sql(
      `UPDATE signer_counts SET count = count + 7
        WHERE campaign_id = $1 AND section_id = (SELECT id FROM sections WHERE campaign_id = $1 AND code = 'NL')`,
      [campaignId],
    );
    // The coordinator's share is computed from the counters, so the drift is visible there.
    const coordinator = await t.token('coordinator', 'NL');
    expect((await t.totals(coordinator, slug)).online).toBeGreaterThan(5);

    const result = await t.app.get(DedupeService).reconcile(campaignId);
    expect(result.mismatched).toBeGreaterThan(0);
    const repaired = await t.totals(admin, slug);
    expect(repaired).toMatchObject({ online: 8, total: 8 });
    expect(repaired.bySection).toEqual(exact.bySection);
    expect(repaired.byDay).toEqual(exact.byDay);
    expect((await t.totals(coordinator, slug)).online).toBe(5);

    expect(await t.app.get(DedupeService).reconcile(campaignId)).toMatchObject({ mismatched: 0 });
  });

  it('the live dashboard receives the totals, and new totals within 2 s of a batch finishing', async () => {
    const slug = await t.newCampaign(admin);
    await t.ingest(admin, slug, 'NL', people(2, 'before'));
    const stream = await openEventStream(t, `/api/campaigns/${slug}/events`, admin);
    try {
      const first = await stream.next((e) => e.event === 'totals');
      expect(first.data).toMatchObject({ campaign: slug, online: 2, total: 2 });

      const { body } = await t.upload(admin, slug, 'DE', people(3, 'live')).expect(202);
      await t.waitForBatch(admin, body.id);
      const doneAt = Date.now();
      const update = await stream.next((e) => e.event === 'totals' && e.data.total === 5, 5000);
      expect(update.data).toMatchObject({ campaign: slug, online: 5, bySection: expect.arrayContaining([{ section: 'DE', online: 3, offline: 0 }]) });
      expect(update.receivedAt - doneAt).toBeLessThanOrEqual(2000);
    } finally {
      stream.close();
    }
  });
});

interface ServerEvent {
  event?: string;
  data: any;
  receivedAt: number;
}

/** Reads a server-sent event stream with plain node http, the way a browser's EventSource would. */
async function openEventStream(t: TestApp, path: string, token: string) {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const events: ServerEvent[] = [];
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }, resolve);
    req.on('error', reject);
    req.end();
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/event-stream');

  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (data) events.push({ event, data: JSON.parse(data), receivedAt: Date.now() });
    }
  });
  response.on('error', () => undefined);

  let seen = 0;
  return {
    /** The next event (after those already returned) that matches. */
    async next(match: (e: ServerEvent) => boolean, timeoutMs = 5000): Promise<ServerEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < events.length) {
          const e = events[seen++];
          if (match(e)) return e;
        }
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.data.total))}`);
        await sleep(20);
      }
    },
    close: () => response.destroy(),
  };
}
