import { JobsOptions } from 'bullmq';

/**
 * The one place that defines queues, job names and payloads. A batch's stages form one BullMQ flow
 * parse → dedupe → aggregate; in a flow a parent runs after its children, so aggregate is the root.
 * The parse job splits the file and fans out one `parse-chunk` job per chunk, so that every worker process
 * can take part in one large file and a killed worker costs one chunk, not the file.
 * One queue per stage, so each stage's backlog and concurrency can be watched and tuned on its own.
 * Nothing here imports from src/modules: the payloads are the wire format the modules agree on.
 */
export interface JobPayloads {
  /** `attempt`: the batch's run (see `batchRunKey`); `chunks` is set once the file has been split and its chunks queued. */
  parse: { batchId: string; attempt: number; chunks?: number };
  'parse-chunk': ParseChunkPayload;
  dedupe: { batchId: string };
  /** Recomputes a campaign's published totals; finishes the batch's flow when one is named. */
  aggregate: { campaignId: number; batchId?: string };
  /** Full recount of the incrementally maintained counters, repaired when they differ. */
  reconcile: { campaignId?: number };
  /** Deletes the files of ended batches whose retention has passed, and temporary files a crash left behind. */
  'file-retention': { reason: string };
  /** Finds batches that stopped moving (their jobs lost, or failed for good unnoticed) and finishes them. */
  'recover-batches': Record<never, never>;
  /** Renders one delivery point's hand-in pack (PDF volumes and signatures.csv). */
  pack: { packId: string };
}

export interface ParseChunkPayload {
  batchId: string;
  chunk: FileChunk;
  chunks: number;
  /** How to read a chunk of a split CSV (found once, by the parse job); null: the whole file, read as uploaded. */
  csv: ChunkCsv | null;
}

/** A byte range of an uploaded CSV that starts and ends on record boundaries, parsed by one job. */
export interface FileChunk {
  index: number;
  /** Byte offsets in the uploaded file, end exclusive; null end: to the end of the file. */
  start: number;
  end: number | null;
  /** Data rows before this chunk: its first row is number `rowsBefore + 1`. The header is not a data row. */
  rowsBefore: number;
  /** Data rows in this chunk (the header row excluded), blank rows included. */
  rows: number;
  /** Physical lines before this chunk, so a CSV error can name the line in the whole file. */
  linesBefore: number;
}

export interface ChunkCsv {
  /** Only encodings in which `"`, CR and LF are single bytes that occur nowhere else can be split by bytes. */
  encoding: 'utf-8' | 'utf-8 (BOM)' | 'windows-1252';
  delimiter: ',' | ';' | '\t' | '|';
  /** The file's header row, for every chunk but the first (whose first record is the header). */
  header: string[] | null;
}

export type JobName = keyof JobPayloads;
export type QueueName = 'parse' | 'dedupe' | 'aggregate' | 'maintenance' | 'packs';

export const QUEUE_NAMES: readonly QueueName[] = ['parse', 'dedupe', 'aggregate', 'maintenance', 'packs'];

/** The queue each job runs on. */
export const JOB_QUEUES: { readonly [N in JobName]: QueueName } = {
  parse: 'parse',
  'parse-chunk': 'parse',
  dedupe: 'dedupe',
  aggregate: 'aggregate',
  reconcile: 'maintenance',
  'file-retention': 'maintenance',
  'recover-batches': 'maintenance',
  pack: 'packs',
};

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_QUEUES, name);
}

/** A job of one of the names `N`: checking `name` narrows `data` to that job's payload. */
export type Job<N extends JobName = JobName> = { [K in N]: { name: K; data: JobPayloads[K] } }[N];

/**
 * Job ids derive from business keys, so enqueuing the same stage twice cannot run it twice.
 * (BullMQ forbids ':' in custom ids, hence '-'.)
 */
export function jobId(name: JobName, ...keys: (string | number)[]): string {
  return [name, ...keys].join('-');
}

/**
 * The business key of one run of a batch's stages. The first run is keyed by the batch alone; a retry is a new run
 * under new ids (`<batch>-attempt2`, …), so the jobs of the run that failed stay as they are, for inspection.
 */
export function batchRunKey(batchId: string, attempt: number): string {
  return attempt === 1 ? batchId : `${batchId}-attempt${attempt}`;
}

/** Runs of a job before it gives up; the waits between them are in `jobOptions` (README "Queue settings"). */
const JOB_ATTEMPTS = 5;
/** Each wait is shortened by up to this share at random, so jobs that failed together do not all retry together. */
const RETRY_JITTER = 0.25;

/**
 * Options of every job: `JOB_ATTEMPTS` runs, waiting `retryDelayMs` (QUEUE_RETRY_DELAY_MS), then twice as long each
 * time, between them; completed jobs kept a day (their ids keep an enqueue idempotent), failed ones kept.
 */
export function jobOptions(retryDelayMs: number, overrides: JobsOptions = {}): JobsOptions {
  return {
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: retryDelayMs, jitter: RETRY_JITTER },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: false,
    ...overrides,
  };
}

/**
 * Fails start-up unless every job name has exactly one handler (a job without one would wait forever; with two,
 * which one ran would depend on the order of registration).
 */
export function assertOneHandlerPerJob(handled: readonly string[]): void {
  const missing = JOB_NAMES.filter((name) => !handled.includes(name));
  const twice = [...new Set(handled.filter((name, i) => handled.indexOf(name) !== i))];
  const unknown = handled.filter((name) => !isJobName(name));
  const problems = [
    missing.length && `no handler for job ${missing.join(', ')}`,
    twice.length && `two handlers for job ${twice.join(', ')}`,
    unknown.length && `handlers for unknown job ${unknown.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`workers refuse to start: ${problems.join('; ')}`);
}
