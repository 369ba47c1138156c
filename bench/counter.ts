/**
 * The public counter and the totals endpoint under HTTP load (autocannon): both idle first, then both while
 * the large export is being ingested. The load starts once the batch is parsing, so a worker and PostgreSQL
 * are busy; the ingest is abandoned when the load ends (its duration is the ingest measurement's business).
 */
import { datasetFile, largeExport } from './dataset';
import { RunningIngest } from './ingest-run';
import { load, loadDuring, LoadResult } from './load';
import { againstBaseline, againstTarget, describeCpu, Figure, Measurement, peakRssFigures } from './measurement';
import { progress } from './report';
import { withStack } from './stack';

/** docs/design.md "Performance", public counter and totals. */
const IDLE = { minRequestsPerSecond: 5000, maxP99Ms: 20 };
const DURING_INGEST = { minRequestsPerSecond: 2000, maxP99Ms: 100, maxErrors: 0 };
/** A freshly started API compiles its hot paths in the first seconds; idle figures are of a warm one. */
const WARM_UP_SECONDS = 3;

export const counterMeasurement: Measurement = {
  name: 'counter',
  async run(options) {
    const large = largeExport(options.rows);
    const file = await datasetFile(options, large);
    const { connections, durationSeconds: seconds } = options;
    const rows = options.rows.toLocaleString('en');

    const stack = await withStack(options, { label: 'counter', workerProcesses: 1 }, async (client) => {
      progress(`counter and totals idle, ${connections} connections, ${seconds} s each`);
      await load(client.counterUrl, {}, connections, WARM_UP_SECONDS);
      const idle = {
        counter: await load(client.counterUrl, {}, connections, seconds),
        totals: await load(client.totalsUrl, client.authorization, connections, seconds),
      };
      const ingest = await RunningIngest.start(client, large.section, file);
      try {
        await ingest.reached('parsing');
        progress(`counter and totals during the ingest of ${rows} rows`);
        const busy = {
          counter: await loadDuring(ingest, client.counterUrl, {}, connections, seconds),
          totals: await loadDuring(ingest, client.totalsUrl, client.authorization, connections, seconds),
        };
        return { idle, busy, ingestAtEnd: { status: ingest.latest.status, progress: ingest.latest.progress } };
      } finally {
        ingest.abandon();
      }
    });

    const { idle, busy, ingestAtEnd } = stack.result;
    const cutShort = Object.values(busy).filter((r) => !r.ingestRanThroughout).map((r) => r.url);
    return {
      figures: [
        againstTarget('counter idle: requests/s', 'req/s', idle.counter.requestsPerSecond, '≥', IDLE.minRequestsPerSecond),
        againstTarget('counter idle: p99 latency', 'ms', idle.counter.p99Ms, '≤', IDLE.maxP99Ms),
        ...duringIngestFigures(`counter during ${rows}-row ingest`, busy.counter, idle.counter),
        ...duringIngestFigures(`totals during ${rows}-row ingest`, busy.totals, idle.totals),
        ...peakRssFigures('under load', stack.usages),
      ],
      notes: [
        `idle: counter ${describeLoad(idle.counter)}; totals ${describeLoad(idle.totals)}`,
        `during the ingest (batch ${busy.counter.ingestStatusAtStart} when the load began, ` +
          `${ingestAtEnd.status} at ${Math.round(ingestAtEnd.progress * 100)} % when it ended): counter ${describeLoad(busy.counter)}; totals ${describeLoad(busy.totals)}`,
        describeCpu(stack.usages),
        ...(cutShort.length ? [`the ingest finished before the load on ${cutShort.join(' and ')} ended: use more --rows`] : []),
      ],
      details: { idle, busy, ingestAtEnd, usages: stack.usages },
    };
  },
};

/** Throughput, p99 and errors against the targets; p50 against the same endpoint idle. */
function duringIngestFigures(name: string, busy: LoadResult, idle: LoadResult): Figure[] {
  return [
    againstTarget(`${name}: requests/s`, 'req/s', busy.requestsPerSecond, '≥', DURING_INGEST.minRequestsPerSecond),
    againstBaseline(`${name}: p50 latency`, 'ms', busy.p50Ms, { label: 'idle', value: idle.p50Ms }),
    againstTarget(`${name}: p99 latency`, 'ms', busy.p99Ms, '≤', DURING_INGEST.maxP99Ms),
    againstTarget(`${name}: errors`, 'errors', busy.errors, '≤', DURING_INGEST.maxErrors),
  ];
}

function describeLoad(r: LoadResult): string {
  return `${r.requestsPerSecond.toLocaleString('en')} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors`;
}
