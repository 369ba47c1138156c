/**
 * Ingest: one large export from upload to published totals, against the PostgreSQL floor; then two exports of
 * two sections by one worker process and by two (scale-out).
 */
import { performance } from 'node:perf_hooks';
import { datasetFile, DatasetSpec, largeExport, scaleOutExports } from './dataset';
import { FloorTiming, measureFloor } from './floor';
import { describeStages, expectTotals, IngestTiming, RunningIngest } from './ingest-run';
import { againstBaseline, describeCpu, Measurement, peakRssFigures } from './measurement';
import { BenchOptions } from './options';
import { progress } from './report';
import { withStack } from './stack';

/** DESIGN.md "Performance": upload to totals at most 2× the floor. */
const MAX_RATIO_TO_FLOOR = 2;

export const ingestMeasurement: Measurement = {
  name: 'ingest',
  async run(options) {
    const large = largeExport(options.rows);
    const largeFile = await datasetFile(options, large);
    const scaleOutFiles = await Promise.all(scaleOutExports(options.rows).map(async (spec): Promise<[DatasetSpec, string]> => [spec, await datasetFile(options, spec)]));

    progress('ingest: the floor (psql \\copy + INSERT … ON CONFLICT DO NOTHING)');
    const floor = await measureFloor(options, largeFile);

    progress(`ingest: ${options.rows.toLocaleString('en')} rows, upload → totals`);
    const single = await withStack(options, { label: 'ingest', workerProcesses: 1 }, async (client) => {
      const timing = await (await RunningIngest.start(client, large.section, largeFile)).done;
      await expectTotals(client, [timing]);
      return timing;
    });

    const byOne = await scaleOut(options, 1, scaleOutFiles);
    const byTwo = await scaleOut(options, 2, scaleOutFiles);
    const rows = options.rows.toLocaleString('en');
    const batchRows = scaleOutFiles[0][0].rows.toLocaleString('en');

    return {
      figures: [
        againstBaseline(`upload → totals, ${rows} rows`, 's', single.result.seconds, { label: 'floor', value: floor.seconds }, MAX_RATIO_TO_FLOOR),
        againstBaseline(`2 × ${batchRows} rows (DE, BR), 2 worker processes`, 's', byTwo.result.seconds, { label: '1 worker process', value: byOne.result.seconds }),
        ...peakRssFigures('floor', floor.usages),
        ...peakRssFigures('ingest', single.usages),
        ...peakRssFigures('scale-out, 1 worker', byOne.usages),
        ...peakRssFigures('scale-out, 2 workers', byTwo.usages),
      ],
      notes: [
        floorNote(floor),
        `${rows} rows: ${describeStages(single.result)}; ${describeCpu(single.usages)}`,
        `${rows} rows: ${countersNote(single.result)}`,
        `scale-out (WORKER_CONCURRENCY=1, so each process takes one batch): 1 process ${byOne.result.seconds.toFixed(1)} s, ` +
          `2 processes ${byTwo.result.seconds.toFixed(1)} s, speed-up ${(byOne.result.seconds / byTwo.result.seconds).toFixed(2)}× (ideal 2×)`,
        ...byOne.result.timings.map((t) => `scale-out, 1 process, ${t.section}: ${describeStages(t)}`),
        ...byTwo.result.timings.map((t) => `scale-out, 2 processes, ${t.section}: ${describeStages(t)}`),
        `scale-out, 1 process: ${describeCpu(byOne.usages)}; 2 processes: ${describeCpu(byTwo.usages)}`,
      ],
      details: { floor, ingest: { ...single.result, usages: single.usages }, scaleOut: { oneWorkerProcess: byOne, twoWorkerProcesses: byTwo } },
    };
  },
};

/** Both exports uploaded at once, timed until both batches are in the totals. */
async function scaleOut(options: BenchOptions, workerProcesses: number, files: [DatasetSpec, string][]) {
  progress(`ingest: scale-out, ${files.length} batches, ${workerProcesses} worker process(es)`);
  // One job per queue per process: with the default of 2, one process could take both batches.
  return withStack(options, { label: `scale-out-${workerProcesses}`, workerProcesses, workerConcurrency: 1 }, async (client) => {
    const startedAt = performance.now();
    const runs = await Promise.all(files.map(([spec, path]) => RunningIngest.start(client, spec.section, path)));
    const timings = await Promise.all(runs.map((run) => run.done));
    const seconds = Math.round(performance.now() - startedAt) / 1000;
    await expectTotals(client, timings);
    return { seconds, timings };
  });
}

function floorNote(floor: FloorTiming): string {
  return `floor: \\copy ${floor.copySeconds.toFixed(1)} s + INSERT … ON CONFLICT ${floor.insertSeconds.toFixed(1)} s (${floor.rowsCopied.toLocaleString('en')} rows → ${floor.rowsKept.toLocaleString('en')} kept)`;
}

function countersNote(t: IngestTiming): string {
  const b = t.batch;
  return `rows ${b.rows}, rejected ${b.rejected}, duplicates in batch ${b.duplicatesInBatch} (${((b.duplicatesInBatch / b.rows) * 100).toFixed(1)} %), counted ${b.counted}`;
}
