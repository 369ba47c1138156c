/**
 * Ingest: one large export from upload to published totals, against the PostgreSQL floor, with one worker
 * process per core; the same export with one of those workers killed mid-parse; then two exports of two
 * sections by one worker process and by two (scale-out).
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { datasetFile, DatasetSpec, largeExport, scaleOutExports } from './dataset';
import { FloorTiming, measureFloor } from './floor';
import { describeStages, expectTotals, IngestTiming, RunningIngest } from './ingest-run';
import { againstBaseline, againstTarget, describeCpu, Measurement, peakRssFigures } from './measurement';
import { BenchOptions } from './options';
import { progress } from './report';
import { withStack } from './stack';

/** docs/design.md "Performance": upload to totals at most 2× the floor; ≤ ~100 jobs per 1M rows; a killed worker's batch finished within 90 s. */
const MAX_RATIO_TO_FLOOR = 2;
const MAX_JOBS_PER_MILLION_ROWS = 100;
const MAX_SECONDS_AFTER_KILL = 90;
/** The worker is killed once parsing is this far along, so it surely holds chunks. */
const KILL_AT_PROGRESS = 0.3;

export const ingestMeasurement: Measurement = {
  name: 'ingest',
  async run(options) {
    const large = largeExport(options.rows);
    const largeFile = await datasetFile(options, large);
    const scaleOutFiles = await Promise.all(scaleOutExports(options.rows).map(async (spec): Promise<[DatasetSpec, string]> => [spec, await datasetFile(options, spec)]));

    progress('ingest: the floor (psql \\copy + INSERT … ON CONFLICT DO NOTHING)');
    const floor = await measureFloor(options, largeFile);

    // A deployment runs a worker process per core: one process runs its JavaScript on one core.
    const workerProcesses = availableParallelism();
    progress(`ingest: ${options.rows.toLocaleString('en')} rows, upload → totals, ${workerProcesses} worker processes`);
    const single = await withStack(options, { label: 'ingest', workerProcesses }, async (client) => {
      const timing = await (await RunningIngest.start(client, large.section, largeFile)).done;
      await expectTotals(client, [timing]);
      return { ...timing, parseJobs: await parseChunkJobs(options, timing.batch.id) };
    });

    progress(`ingest: the same file, one of ${workerProcesses} workers killed at ${KILL_AT_PROGRESS * 100} % parsed`);
    const killed = await withStack(options, { label: 'kill', workerProcesses }, async (client, workers) => {
      const ingest = await RunningIngest.start(client, large.section, largeFile);
      await ingest.parsed(KILL_AT_PROGRESS);
      const killedAt = performance.now();
      workers[0].kill();
      const timing = await ingest.done;
      await expectTotals(client, [timing]);
      if (timing.batch.counted !== single.result.batch.counted) throw new Error(`with a worker killed the batch counted ${timing.batch.counted}, without ${single.result.batch.counted}`);
      return { timing, secondsAfterKill: Math.round(performance.now() - killedAt) / 1000 };
    });

    const byOne = await scaleOut(options, 1, scaleOutFiles);
    const byTwo = await scaleOut(options, 2, scaleOutFiles);
    const rows = options.rows.toLocaleString('en');
    const batchRows = scaleOutFiles[0][0].rows.toLocaleString('en');
    const jobsPerMillionRows = Math.round((single.result.parseJobs / options.rows) * 1_000_000);

    return {
      figures: [
        againstBaseline(`upload → totals, ${rows} rows, ${workerProcesses} worker processes`, 's', single.result.seconds, { label: 'floor', value: floor.seconds }, MAX_RATIO_TO_FLOOR),
        againstTarget(`parse jobs per 1,000,000 rows (${single.result.parseJobs} chunks)`, 'jobs', jobsPerMillionRows, '≤', MAX_JOBS_PER_MILLION_ROWS),
        againstTarget(`a worker killed at ${KILL_AT_PROGRESS * 100} % parsed: kill → batch done`, 's', killed.result.secondsAfterKill, '≤', MAX_SECONDS_AFTER_KILL),
        againstBaseline(`the same upload → totals with a worker killed`, 's', killed.result.timing.seconds, { label: 'none killed', value: single.result.seconds }),
        againstBaseline(`2 × ${batchRows} rows (DE, BR), 2 worker processes`, 's', byTwo.result.seconds, { label: '1 worker process', value: byOne.result.seconds }),
        ...peakRssFigures('floor', floor.usages),
        ...peakRssFigures('ingest', single.usages),
        ...peakRssFigures('worker killed', killed.usages),
        ...peakRssFigures('scale-out, 1 worker', byOne.usages),
        ...peakRssFigures('scale-out, 2 workers', byTwo.usages),
      ],
      notes: [
        floorNote(floor),
        `${rows} rows: ${describeStages(single.result)}; ${describeCpu(single.usages)}`,
        `${rows} rows: ${countersNote(single.result)}`,
        `a worker killed: ${describeStages(killed.result.timing)}; counted ${killed.result.timing.batch.counted}, the same as without the kill`,
        `scale-out (WORKER_CONCURRENCY=1: one job per queue per process): 1 process ${byOne.result.seconds.toFixed(1)} s, ` +
          `2 processes ${byTwo.result.seconds.toFixed(1)} s, speed-up ${(byOne.result.seconds / byTwo.result.seconds).toFixed(2)}× (ideal 2×)`,
        ...byOne.result.timings.map((t) => `scale-out, 1 process, ${t.section}: ${describeStages(t)}`),
        ...byTwo.result.timings.map((t) => `scale-out, 2 processes, ${t.section}: ${describeStages(t)}`),
        `scale-out, 1 process: ${describeCpu(byOne.usages)}; 2 processes: ${describeCpu(byTwo.usages)}`,
      ],
      details: { floor, ingest: { ...single.result, usages: single.usages }, workerKilled: { ...killed.result, usages: killed.usages }, scaleOut: { oneWorkerProcess: byOne, twoWorkerProcesses: byTwo } },
    };
  },
};

/** Both exports uploaded at once, timed until both batches are in the totals. */
async function scaleOut(options: BenchOptions, workerProcesses: number, files: [DatasetSpec, string][]) {
  progress(`ingest: scale-out, ${files.length} batches, ${workerProcesses} worker process(es)`);
  // One job per queue per process, so that one process cannot dedupe one batch while it parses the other.
  return withStack(options, { label: `scale-out-${workerProcesses}`, workerProcesses, workerConcurrency: 1 }, async (client) => {
    const startedAt = performance.now();
    const runs = await Promise.all(files.map(([spec, path]) => RunningIngest.start(client, spec.section, path)));
    const timings = await Promise.all(runs.map((run) => run.done));
    const seconds = Math.round(performance.now() - startedAt) / 1000;
    await expectTotals(client, timings);
    return { seconds, timings };
  });
}

/** How many chunk jobs the batch's parse fanned out (BullMQ keeps completed jobs for a day). */
async function parseChunkJobs(options: BenchOptions, batchId: string): Promise<number> {
  const redis = new Redis(options.redisUrl);
  try {
    const keys = await redis.keys(`${options.redisPrefix}:bull:parse:parse-chunk-${batchId}-*`);
    return keys.filter((key) => /-\d+$/.test(key)).length;
  } finally {
    await redis.quit();
  }
}

function floorNote(floor: FloorTiming): string {
  return `floor: \\copy ${floor.copySeconds.toFixed(1)} s + INSERT … ON CONFLICT ${floor.insertSeconds.toFixed(1)} s (${floor.rowsCopied.toLocaleString('en')} rows → ${floor.rowsKept.toLocaleString('en')} kept)`;
}

function countersNote(t: IngestTiming): string {
  const b = t.batch;
  return `rows ${b.rows}, rejected ${b.rejected}, duplicates in batch ${b.duplicatesInBatch} (${((b.duplicatesInBatch / b.rows) * 100).toFixed(1)} %), counted ${b.counted}`;
}
