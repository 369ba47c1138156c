import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchView } from '../src/modules/ingest/batch.dto';
import type { BatchStatus } from '../src/modules/ingest/batch.entity';
import { HandinClient } from './handin-client';

const POLL_EVERY_MS = 100;
const GIVE_UP_AFTER_MS = 30 * 60_000;
/** The statuses a batch moves through, in order; a short stage may be passed between two polls. */
const PIPELINE: BatchStatus[] = ['queued', 'parsing', 'deduplicating', 'aggregating', 'done'];

export interface IngestTiming {
  file: string;
  section: string;
  /** From the first byte of the upload until the batch is done, i.e. its rows are in the published totals. */
  seconds: number;
  /** The multipart POST alone (the file streamed to the API's store). */
  uploadSeconds: number;
  /** Seconds the batch spent in each status, as seen by polling every 100 ms. */
  stages: Partial<Record<BatchStatus, number>>;
  batch: BatchView;
}

/** One uploaded file followed until its batch is done, by polling GET /api/batches/:id. */
export class RunningIngest {
  /** The batch as last polled. */
  latest: BatchView;
  readonly done: Promise<IngestTiming>;
  private abandoned = false;

  private constructor(client: HandinClient, section: string, path: string, startedAt: number, batch: BatchView) {
    this.latest = batch;
    this.done = this.follow(client, section, path, startedAt, batch);
    this.done.catch(() => undefined); // observed by whoever awaits it; not an unhandled rejection meanwhile
  }

  static async start(client: HandinClient, section: string, path: string): Promise<RunningIngest> {
    const startedAt = performance.now();
    const batch = await client.upload(section, path);
    return new RunningIngest(client, section, path, startedAt, batch);
  }

  get status(): BatchStatus {
    return this.latest.status;
  }

  /** Resolves once the batch has reached `status` (or a later one). */
  async reached(status: BatchStatus): Promise<void> {
    while (PIPELINE.indexOf(this.status) < PIPELINE.indexOf(status)) await Promise.race([sleep(POLL_EVERY_MS), this.done]);
  }

  /** Resolves once parsing has filled `fraction` of the progress bar (or the batch is past parsing). */
  async parsed(fraction: number): Promise<void> {
    await this.reached('parsing');
    while (this.status === 'parsing' && this.latest.progress < fraction) await Promise.race([sleep(POLL_EVERY_MS), this.done]);
  }

  /** Stops polling: the scenario ends with the batch unfinished (`done` then rejects). */
  abandon(): void {
    this.abandoned = true;
  }

  private async follow(client: HandinClient, section: string, path: string, startedAt: number, uploaded: BatchView): Promise<IngestTiming> {
    const uploadedAt = performance.now();
    const entered: [BatchStatus, number][] = [['queued', uploadedAt]];
    let batch = uploaded;
    while (batch.status !== 'done') {
      if (batch.status === 'failed' || batch.status === 'retracted') throw new Error(`batch of ${basename(path)} ${batch.status}: ${batch.error}`);
      if (performance.now() - startedAt > GIVE_UP_AFTER_MS) throw new Error(`batch of ${basename(path)} still ${batch.status} after ${GIVE_UP_AFTER_MS / 60_000} minutes`);
      await sleep(POLL_EVERY_MS);
      if (this.abandoned) throw new Error(`batch of ${basename(path)} abandoned while ${batch.status}`);
      batch = await client.batch(batch.id);
      if (batch.status !== this.status) entered.push([batch.status, performance.now()]);
      this.latest = batch;
    }
    const finishedAt = entered[entered.length - 1][1];
    const stages: Partial<Record<BatchStatus, number>> = {};
    for (let i = 0; i + 1 < entered.length; i++) stages[entered[i][0]] = seconds(entered[i + 1][1] - entered[i][1]);
    return { file: basename(path), section, seconds: seconds(finishedAt - startedAt), uploadSeconds: seconds(uploadedAt - startedAt), stages, batch };
  }
}

/** A figure is only worth printing if the pipeline counted right: the totals must hold every batch's signers. */
export async function expectTotals(client: HandinClient, timings: IngestTiming[]): Promise<void> {
  const counted = timings.reduce((sum, t) => sum + t.batch.counted, 0);
  const { online } = await client.totals();
  if (online !== counted) throw new Error(`the totals show ${online} online signers, the batches counted ${counted}`);
}

/** "upload 1.2 s, queued 0.1 s, parsing 40.3 s, …": where one batch's time went. */
export function describeStages(t: IngestTiming): string {
  const stages = Object.entries(t.stages).map(([status, seconds]) => `${status} ${seconds!.toFixed(1)} s`);
  return `upload ${t.uploadSeconds.toFixed(1)} s, ${stages.join(', ')}`;
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}
