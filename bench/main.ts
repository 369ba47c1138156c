/**
 * `npm run bench`: measures Handin on this machine, each figure beside its baseline or target (docs/design.md
 * "Performance"), prints a table and writes bench/results/<date>.json. Run it through scripts/bench.sh, which
 * builds the app and finds PostgreSQL and Redis.
 */
import { describeMachine } from './machine';
import { MEASUREMENTS } from './measurements';
import { MeasurementResult } from './measurement';
import { readOptions, USAGE } from './options';
import { BenchReport, printReport, progress, writeReport } from './report';

/** More of the machine's CPU than this in use before the run means something else is running. */
const BUSY_PERCENT = 10;

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const unknown = (options.only ?? []).filter((name) => !MEASUREMENTS.some((m) => m.name === name));
  if (unknown.length) throw new Error(`no measurement ${unknown.join(', ')}; there are ${MEASUREMENTS.map((m) => m.name).join(', ')}\n${USAGE}`);

  const startedAt = new Date().toISOString();
  const machine = await describeMachine(options);
  if (machine.cpuBusyPercentAtStart > BUSY_PERCENT) {
    progress(`warning: ${machine.cpuBusyPercentAtStart} % of the CPUs are busy before the run; every figure will be pessimistic`);
  }
  const measurements: Record<string, MeasurementResult> = {};
  for (const measurement of MEASUREMENTS.filter((m) => !options.only || options.only.includes(m.name))) {
    progress(`— ${measurement.name} —`);
    measurements[measurement.name] = await measurement.run(options);
  }
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { rows: options.rows, durationSeconds: options.durationSeconds, connections: options.connections },
    machine,
    measurements,
  };
  printReport(report);
  progress(`results written to ${await writeReport(options, report)}`);
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
