import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/**
 * Every Handin metric, defined once. The names and what they mean are documented in README.md, "Operations".
 * Each process keeps its own: a worker process counts the jobs it ran, the API also reports the shared state
 * (queue depth, the age of the published totals) when it is scraped.
 */
export const METRIC = {
  httpRequests: 'handin_http_requests_total',
  queueJobs: 'handin_queue_jobs',
  stageDuration: 'handin_stage_duration_seconds',
  stageFailures: 'handin_stage_failures_total',
  rowsParsed: 'handin_rows_parsed_total',
  reconcileRepaired: 'handin_reconcile_repaired_cells_total',
  totalsAge: 'handin_totals_age_seconds',
} as const;

/** The job states shown per queue: what is waiting, running, retried later, and given up on. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export const METRIC_PROVIDERS = [
  makeCounterProvider({
    name: METRIC.httpRequests,
    help: 'HTTP requests answered, by method, route pattern and status (the counter and totals answered from memory ahead of Express are not included).',
    labelNames: ['method', 'route', 'status'],
  }),
  makeGaugeProvider({
    name: METRIC.queueJobs,
    help: 'Jobs per queue and state, read from Redis when the API is scraped.',
    labelNames: ['queue', 'state'],
  }),
  makeHistogramProvider({
    name: METRIC.stageDuration,
    help: 'Time one run of a pipeline job took in this process, by stage (job name); stage "pack" is the pack render time.',
    labelNames: ['stage'],
    // From a small aggregate (tens of ms) to a 100,000-signature pack (minutes).
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  }),
  makeCounterProvider({
    name: METRIC.stageFailures,
    help: 'Runs of a pipeline job that threw in this process, by stage; BullMQ retries them until their attempts are used up.',
    labelNames: ['stage'],
  }),
  makeCounterProvider({
    name: METRIC.rowsParsed,
    help: 'Data rows read by the parse stage in this process, accepted or rejected; rate() gives rows per second.',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: METRIC.reconcileRepaired,
    help: 'Counter cells the full recount found wrong and repaired (the drift); anything above 0 is a bug to report.',
  }),
  makeGaugeProvider({
    name: METRIC.totalsAge,
    help: 'Seconds since the last change counted into the totals published for a campaign (read when the API is scraped).',
    labelNames: ['campaign'],
  }),
];
