import { Fault, faultCaused } from '../support/fault-results';
import { CAMPAIGN_LOCK, FaultStack } from '../support/fault-stack';
import { recovered } from '../support/recount';
import { canonicalSections, exportOf, Signature, SignatureExport, T0 } from '../support/signature-exports';

const DELIVERY_POINTS = ['HAGUE', 'BERLIN', 'PARIS', 'SYDNEY', 'CANBERRA'];

/** People `from` to `to - 1`, each a minute after the last, `shift(person)` ms off T0 + person minutes. */
function signingAround(from: number, to: number, shift: (person: number) => number): SignatureExport {
  const signatures: Signature[] = [];
  for (let person = from; person < to; person++) signatures.push({ person, at: T0 + person * 60_000 + shift(person) });
  return exportOf(signatures);
}

/**
 * Fault 6: a retraction racing the ingest of signers it shares with the batch being ingested (in both orders), and
 * a freeze racing an ingest. Each pair is made to meet: both wait for the campaign lock, which the test holds, and
 * get it in turn the moment it lets go. Invariant 4 and docs/design.md "Totals": whichever goes first, the totals are
 * exact, and the packs made after the freeze show exactly the frozen figures.
 */
describe('fault 6: a retraction and a freeze racing an ingest', () => {
  let stack: FaultStack;
  let slug: string;
  let campaignId: number;

  beforeAll(async () => {
    stack = await FaultStack.start('races');
    ({ slug, id: campaignId } = await stack.newCampaign('races'));
  });
  afterAll(() => stack?.stop());

  /**
   * Starts `first`, waits until it waits for the campaign lock, does the same with `second`, then lets both go: the
   * fault, as far as the time to recovery goes.
   */
  async function meet<A, B>(fault: string, first: () => Promise<A>, second: () => Promise<B>): Promise<{ fault: Fault; first: A; second: B }> {
    const gate = await stack.holdLock(CAMPAIGN_LOCK, campaignId);
    const a = first();
    await stack.lockWaiters(CAMPAIGN_LOCK, campaignId, 1);
    const b = second();
    await stack.lockWaiters(CAMPAIGN_LOCK, campaignId, 2);
    const caused = faultCaused(6, fault);
    await gate.release();
    return { fault: caused, first: await a, second: await b };
  }

  const upload = (section: string, file: SignatureExport) => async () => (await stack.upload(slug, section, file.bytes).expect(202)).body;
  const retract = (batchId: string) => async () => (await stack.http.post(`/api/batches/${batchId}/retract`).expect(200)).body;

  // A (NL) 0..5999; B (DE) 3000..8999, earlier than A for half of those they share; C (FR) 5000..10999, earlier than
  // B for 5000..5999; D (NL) 5000..5999 earlier than C again, and 20000..24999.
  const a = signingAround(0, 6000, () => 0);
  const b = signingAround(3000, 9000, (p) => (p < 4500 ? -30_000 : 30_000));
  const c = signingAround(5000, 11_000, (p) => (p < 6000 ? -45_000 : 45_000));
  const d = exportOf([...signingAround(5000, 6000, () => -50_000).signatures, ...signingAround(20_000, 25_000, () => 0).signatures]);
  let batchB: string;

  it('an ingest that commits just before a retraction of a batch it shares signers with: exact', async () => {
    const batchA = (await stack.upload(slug, 'NL', a.bytes).expect(202)).body.id;
    await stack.batchWhen(batchA, 'done', (batch) => batch.status === 'done');

    const race = await meet('ingest of shared signers, then retraction, at once', upload('DE', b), retract(batchA));
    batchB = race.first.id;
    await recovered(stack, slug, { online: b.people.size, bySection: canonicalSections([{ section: 'DE', file: b }]) }, race.fault);
    expect((await stack.batch(batchA)).status).toBe('retracted');
  });

  it('a retraction that goes just before an ingest of signers it shares: exact', async () => {
    const race = await meet('retraction, then ingest of shared signers, at once', retract(batchB), upload('FR', c));
    await recovered(stack, slug, { online: c.people.size, bySection: { FR: c.people.size } }, race.fault);
    expect(race.first.status).toBe('retracted');
  });

  it('a freeze racing an ingest: live totals exact, and every pack shows exactly the frozen figures', async () => {
    await stack.http.post(`/api/campaigns/${slug}/sections/NL/batches`).send({ kind: 'tally', count: 120, country: 'NL' }).expect(202);
    const freeze = async () => (await stack.http.post(`/api/campaigns/${slug}/freeze`).expect(200)).body;
    const race = await meet('freeze and an ingest at once', freeze, upload('NL', d));
    const live = { online: new Set([...c.people, ...d.people]).size, offline: 120, bySection: canonicalSections([{ section: 'FR', file: c }, { section: 'NL', file: d }]) };
    await recovered(stack, slug, live, race.fault);

    // The freeze went first or second: its figures are those of before or after the ingest, and nothing in between.
    const totals = await stack.totals(slug);
    const [{ frozenSigners }] = await stack.sql('SELECT count(*)::int AS "frozenSigners" FROM frozen_signers WHERE campaign_id = $1', [campaignId]);
    expect([c.people.size, live.online]).toContain(totals.frozen.online);
    expect(totals.frozen).toMatchObject({ online: frozenSigners, offline: 120, total: frozenSigners + 120 });
    expect(totals.afterFreeze).toEqual({ online: totals.online - totals.frozen.online, offline: 0, total: totals.online - totals.frozen.online });

    await stack.http.post(`/api/campaigns/${slug}/packs`).expect(202);
    const frozenShare = (code: string) => totals.frozen.byDeliveryPoint.find((s: { deliveryPoint: string }) => s.deliveryPoint === code) ?? { online: 0, offline: 0 };
    for (const code of DELIVERY_POINTS) {
      let pack: any;
      await stack.until(`the pack of ${code}`, async () => (pack = (await stack.http.get(`/api/campaigns/${slug}/delivery-points/${code}/pack`).expect(200)).body).status === 'done', { timeoutMs: 120_000, everyMs: 250 });
      expect({ code, ...pack }).toMatchObject({ code, frozen: true, stale: false, worldwide: totals.frozen.total, online: frozenShare(code).online, offline: frozenShare(code).offline });
      const list = await stack.http.get(`/api/campaigns/${slug}/delivery-points/${code}/signatures.csv`).expect(200);
      expect(list.text.trim().split('\n').length - 1).toBe(pack.online); // the header, then one line per signer
    }
  });
});
