import { JobsOptions } from 'bullmq';
import type { Delimiter } from '../modules/ingest/sniff';
import type { FileChunk } from '../modules/ingest/file-chunks';
import type { CsvEncoding } from '../modules/ingest/file-reader';

/**
 * The one place that defines queues, job names and payloads. A batch's stages form one BullMQ flow
 * parse → dedupe → aggregate; in a flow a parent runs after its children, so aggregate is the root.
 * The parse job splits the file and fans out one `parse-chunk` job per chunk, so that every worker process
 * can take part in one large file and a killed worker costs one chunk, not the file.
 * One queue per stage, so each stage's backlog and concurrency can be watched and tuned on its own.
 */
export interface JobPayloads {
  /** `chunks` is set once the file has been split and its chunks queued. */
  parse: { batchId: string; chunks?: number };
  'parse-chunk': ParseChunkPayload;
  dedupe: { batchId: string };
  /** Recomputes a campaign's published totals; finishes the batch's flow when one is named. */
  aggregate: { campaignId: number; batchId?: string };
  /** Full recount of the incrementally maintained counters, repaired when they differ. */
  reconcile: { campaignId?: number };
  /** Renders one delivery point's hand-in pack (PDF volumes and signatures.csv). */
  pack: { packId: string };
}

export interface ParseChunkPayload {
  batchId: string;
  chunk: FileChunk;
  chunks: number;
  /** How to read a chunk of a split CSV (found once, by the parse job); null: the whole file, read as uploaded. */
  csv: { encoding: CsvEncoding; delimiter: Delimiter; header: string[] | null } | null;
}

export type JobName = keyof JobPayloads;
export type QueueName = 'parse' | 'dedupe' | 'aggregate' | 'maintenance' | 'packs';

export const QUEUE_NAMES: readonly QueueName[] = ['parse', 'dedupe', 'aggregate', 'maintenance', 'packs'];

/**
 * Job ids derive from business keys, so enqueuing the same stage twice cannot run it twice.
 * (BullMQ forbids ':' in custom ids, hence '-'.)
 */
export function jobId(name: JobName, ...keys: (string | number)[]): string {
  return [name, ...keys].join('-');
}

export function jobOptions(overrides: JobsOptions = {}): JobsOptions {
  return {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: false,
    ...overrides,
  };
}

/** Fails start-up when a queue has no processor or two (jobs would otherwise wait forever, or race). */
export function assertOneProcessorPerQueue(registered: readonly string[]): void {
  const missing = QUEUE_NAMES.filter((q) => !registered.includes(q));
  const twice = registered.filter((q, i) => registered.indexOf(q) !== i);
  const unknown = registered.filter((q) => !(QUEUE_NAMES as readonly string[]).includes(q));
  const problems = [
    missing.length && `no processor for ${missing.join(', ')}`,
    twice.length && `two processors for ${twice.join(', ')}`,
    unknown.length && `processors for unknown queues ${unknown.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`workers refuse to start: ${problems.join('; ')}`);
}
