import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { QUEUE_LOCK_MS } from './fault-stack';
import { faultsSetting } from './private-servers';

/** A fault a test caused, and when: the time to recovery counts from `since` (a Date.now()). */
export interface Fault {
  scenario: number;
  fault: string;
  since: number;
}

/** What the suite's results say of one fault. */
interface Outcome {
  scenario: number;
  fault: string;
  /** Seconds from the fault to every number exact again; null when that did not happen. */
  seconds: number | null;
  /** Why not: what was still wrong, that the test failed first, or why the fault could not be caused here. */
  note?: string;
}

/** Where the test files of one run leave what happened (scripts/faults.sh empties it before the run). */
const journal = () => join(faultsSetting('FAULTS_DATA'), 'recoveries.jsonl');
const write = (line: Outcome) => appendFileSync(journal(), JSON.stringify(line) + '\n');

/** A test causes a fault now; `recovered` (recount.ts) records when its numbers were exact again. */
export function faultCaused(scenario: number, fault: string): Fault {
  write({ scenario, fault, seconds: null, note: 'the test failed before the numbers were checked: see its error above' });
  return { scenario, fault, since: Date.now() };
}

export function recordRecovery(fault: Fault, outcome: { seconds: number } | { note: string }): void {
  write({ scenario: fault.scenario, fault: fault.fault, seconds: null, ...outcome });
}

/** A fault this machine cannot cause (e.g. no tmpfs without root). */
export function faultNotRun(scenario: number, fault: string, reason: string): void {
  write({ scenario, fault, seconds: null, note: `not run: ${reason}` });
}

/**
 * Jest's global teardown of the fault suite (jest.faults.config.js): prints one table of every fault's time to
 * recovery and writes it to .data/faults-results.json with the machine and the settings it was measured with.
 */
export default async function printRecoveries(): Promise<void> {
  const file = journal();
  const lines: Outcome[] = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  // The last word on each fault stands (caused, then recovered or not).
  const outcomes = [...new Map(lines.map((line) => [`${line.scenario} ${line.fault}`, line])).values()].sort((a, b) => a.scenario - b.scenario);
  const started = Number(process.env.FAULTS_STARTED_AT);
  const results = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    queueLockMs: QUEUE_LOCK_MS,
    suiteSeconds: started ? Math.round((Date.now() - started) / 1000) : null,
    faults: outcomes,
  };
  const width = Math.max(5, ...outcomes.map((o) => o.fault.length));
  console.log(
    [
      '',
      `fault suite: time from each fault to every number exact again (QUEUE_LOCK_MS=${QUEUE_LOCK_MS}, ${results.machine.cpus} cores)`,
      `  #  ${'fault'.padEnd(width)}  recovered in`,
      ...outcomes.map((o) => `  ${o.scenario}  ${o.fault.padEnd(width)}  ${o.seconds === null ? `NO: ${o.note}` : `${o.seconds.toFixed(1)} s`}`),
      ...(outcomes.length === 0 ? ['  (no test got as far as its fault)'] : []),
      results.suiteSeconds === null ? '' : `whole suite (install and build included): ${results.suiteSeconds} s`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(__dirname, '..', '..', '.data', 'faults-results.json'), JSON.stringify(results, null, 2) + '\n');
}
