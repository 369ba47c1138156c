import { Fault, recordRecovery } from './fault-results';
import { FaultStack } from './fault-stack';

/** What a campaign must count after a scenario, as the test that generated its people knows it. */
export interface Expected {
  /** Distinct people counted online. */
  online: number;
  /** Paper signatures (tallies). */
  offline?: number;
  /** People per section by the canonical rule (see canonicalSections), when the test spread them over sections. */
  bySection?: Record<string, number>;
}

type Counts = Record<string, number>;
type Dimension = 'section' | 'country' | 'deliveryPoint';
const DIMENSIONS: Dimension[] = ['section', 'country', 'deliveryPoint'];
const BREAKDOWN: Record<Dimension, string> = { section: 'bySection', country: 'byCountry', deliveryPoint: 'byDeliveryPoint' };

/**
 * The campaign's counts straight from the accepted rows of its counted batches, by the rule of docs/design.md
 * "Dedupe keys" written again here in SQL: one signer per key, counted for its earliest signature (ties: earlier
 * batch, then lower row), for that signature's section, country, delivery point and day. It reads neither
 * `signers` nor `signer_counts`, which the product keeps by deltas: those are what it checks.
 */
const CANONICAL = `
  WITH counted AS (
    SELECT s.signer_key, s.signed_at, b.seq, s.row_number, b.section_id, s.country, s.delivery_point_code
      FROM signatures s JOIN batches b ON b.id = s.batch_id
     WHERE b.campaign_id = $1 AND b.kind = 'signatures' AND b.committed_at IS NOT NULL AND b.status IN ('aggregating', 'done')
  ), canonical AS (
    SELECT DISTINCT ON (signer_key) * FROM counted ORDER BY signer_key, signed_at, seq, row_number
  )`;

async function recount(stack: FaultStack, campaignId: number) {
  const cells: { section: string; country: string; deliveryPoint: string; day: string; count: number }[] = await stack.sql(
    `${CANONICAL}
     SELECT sec.code AS section, c.country, c.delivery_point_code AS "deliveryPoint",
            to_char((c.signed_at AT TIME ZONE campaign.timezone)::date, 'YYYY-MM-DD') AS day, count(*)::int AS count
       FROM canonical c JOIN sections sec ON sec.id = c.section_id JOIN campaigns campaign ON campaign.id = $1
      GROUP BY 1, 2, 3, 4`,
    [campaignId],
  );
  const tallies: { section: string; country: string; deliveryPoint: string; count: number }[] = await stack.sql(
    `SELECT sec.code AS section, b.tally_country AS country, b.tally_delivery_point_code AS "deliveryPoint", sum(b.tally_count)::int AS count
       FROM batches b JOIN sections sec ON sec.id = b.section_id
      WHERE b.campaign_id = $1 AND b.kind = 'tally' AND b.committed_at IS NOT NULL AND b.status NOT IN ('failed', 'retracted')
      GROUP BY 1, 2, 3`,
    [campaignId],
  );
  // Signers whose row is missing, extra, or points at another signature than the canonical one.
  const [{ wrong }] = await stack.sql(
    `${CANONICAL}
     SELECT count(*)::int AS wrong
       FROM canonical c FULL JOIN (SELECT * FROM signers WHERE campaign_id = $1) g ON g.signer_key = c.signer_key
      WHERE c.signer_key IS NULL OR g.signer_key IS NULL OR (g.batch_seq, g.row_number) IS DISTINCT FROM (c.seq, c.row_number)`,
    [campaignId],
  );
  return { cells, tallies, wrongSigners: wrong as number };
}

/**
 * Every way the campaign's numbers are not what they must be, one sentence each; empty when they are exact:
 * every batch ended and every queue idle (nothing stuck), the totals API equal to the recount in every
 * breakdown, each breakdown summing to the total, the `signers` table holding exactly the canonical signatures,
 * and the recount equal to the number of people the test generated.
 */
async function countProblems(stack: FaultStack, slug: string, expected: Expected): Promise<string[]> {
  const problems: string[] = [];
  const [{ id }] = await stack.sql('SELECT id FROM campaigns WHERE slug = $1', [slug]);
  const open = await stack.sql(`SELECT id, status FROM batches WHERE campaign_id = $1 AND status NOT IN ('done', 'failed', 'retracted')`, [id]);
  for (const batch of open) problems.push(`batch ${batch.id} is still ${batch.status}`);
  for (const queue of await stack.busyQueues()) problems.push(`queue ${queue} is not idle`);

  const totals = await stack.totals(slug);
  const { cells, tallies, wrongSigners } = await recount(stack, id);
  const online = sum(cells);
  const offline = sum(tallies);
  const differ = (what: string, api: unknown, recounted: unknown) => {
    if (JSON.stringify(api) !== JSON.stringify(recounted)) problems.push(`${what}: the API says ${JSON.stringify(api)}, the recount ${JSON.stringify(recounted)}`);
  };

  if (online !== expected.online) problems.push(`the recount finds ${online} people, the test generated ${expected.online}`);
  if (offline !== (expected.offline ?? 0)) problems.push(`the recount finds ${offline} paper signatures, the test recorded ${expected.offline ?? 0}`);
  if (expected.bySection) differ('people per section by the canonical rule (test vs recount)', sorted(expected.bySection), group(cells, 'section'));
  if (wrongSigners > 0) problems.push(`${wrongSigners} signers are missing, extra or not attributed to their canonical signature`);

  differ('online', totals.online, online);
  differ('offline', totals.offline, offline);
  differ('total', totals.total, online + offline);
  for (const dimension of DIMENSIONS) {
    const breakdown: ({ online: number; offline: number } & Record<Dimension, string>)[] = totals[BREAKDOWN[dimension]];
    differ(`${BREAKDOWN[dimension]} online`, fromApi(breakdown, dimension, 'online'), group(cells, dimension));
    differ(`${BREAKDOWN[dimension]} offline`, fromApi(breakdown, dimension, 'offline'), group(tallies, dimension));
    differ(`Σ ${BREAKDOWN[dimension]}`, sum(breakdown.map((b) => ({ count: b.online + b.offline }))), totals.total);
  }
  const byDay: { day: string; online: number }[] = totals.byDay;
  differ('byDay', sorted(Object.fromEntries(byDay.map((d) => [d.day, d.online]))), group(cells, 'day'));
  differ('Σ byDay', sum(byDay.map((d) => ({ count: d.online }))), totals.online);
  return problems;
}

/** Waits until the campaign's numbers are exact (countProblems finds nothing); fails with every problem left. */
export async function exactTotals(stack: FaultStack, slug: string, expected: Expected, timeoutMs = 120_000): Promise<void> {
  let problems: string[] = [];
  try {
    await stack.until(`the totals of ${slug} to be exact`, async () => (problems = await countProblems(stack, slug, expected)).length === 0, { timeoutMs, everyMs: 250 });
  } catch (error) {
    throw new Error(`${(error as Error).message}; still wrong:\n  - ${problems.join('\n  - ')}`);
  }
}

/** exactTotals after a fault, recording how long the numbers took to be exact again, or that they were not. */
export async function recovered(stack: FaultStack, slug: string, expected: Expected, fault: Fault): Promise<void> {
  try {
    await exactTotals(stack, slug, expected);
  } catch (error) {
    const [waited, firstProblem] = (error as Error).message.split('\n  - ');
    recordRecovery(fault, { note: firstProblem ?? waited });
    throw error;
  }
  recordRecovery(fault, { seconds: Math.round((Date.now() - fault.since) / 100) / 10 });
}

function sum(cells: { count: number }[]): number {
  return cells.reduce((n, c) => n + c.count, 0);
}

function group<K extends string>(cells: ({ count: number } & Record<K, string>)[], key: K): Counts {
  const counts: Counts = {};
  for (const cell of cells) counts[cell[key]] = (counts[cell[key]] ?? 0) + cell.count;
  return sorted(counts);
}

function fromApi(breakdown: ({ online: number; offline: number } & Record<Dimension, string>)[], key: Dimension, kind: 'online' | 'offline'): Counts {
  return sorted(Object.fromEntries(breakdown.filter((b) => b[kind] !== 0).map((b) => [b[key], b[kind]])));
}

/** The same counts with keys in order and zeros left out, so two of them compare as JSON. */
function sorted(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b)));
}
