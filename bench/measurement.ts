/**
 * What every benchmark module produces: figures, each judged against a baseline measured in the same run or
 * against a fixed target from docs/design.md "Performance". A measurement is one module in bench/ registered in
 * bench/measurements.ts.
 */
import { BenchOptions } from './options';

export interface Measurement {
  /** Short name, used by `--only` and as the key in the results file. */
  name: string;
  run(options: BenchOptions): Promise<MeasurementResult>;
}

export interface MeasurementResult {
  figures: Figure[];
  /** A few lines printed under the table: where the time went, anything that qualifies a figure. */
  notes: string[];
  /** Everything else worth keeping (stage times, batch counters, raw autocannon numbers); written to the JSON only. */
  details: Record<string, unknown>;
}

export type Unit = 's' | 'req/s' | 'ms' | 'MB' | 'errors' | 'jobs';

export interface Figure {
  name: string;
  unit: Unit;
  value: number;
  /** The baseline measured in this run, or the target the figure must reach. */
  reference: { label: string; value: number };
  /** value / reference; null when the reference is zero (an error count against "none", an idle p50 under 1 ms). */
  ratio: number | null;
  /** The target in words, e.g. "≤ 2× floor", "≥ 5,000 req/s"; null for a figure that only informs. */
  target: string | null;
  /** Whether the target is met; null for a figure that only informs. */
  met: boolean | null;
}

/** A figure compared with a baseline of the same run; `maxRatio` is the target, if there is one. */
export function againstBaseline(name: string, unit: Unit, value: number, baseline: { label: string; value: number }, maxRatio?: number): Figure {
  const ratio = baseline.value === 0 ? null : value / baseline.value;
  return {
    name,
    unit,
    value,
    reference: baseline,
    ratio,
    target: maxRatio === undefined ? null : `≤ ${maxRatio}× ${baseline.label}`,
    met: maxRatio === undefined ? null : ratio !== null && ratio <= maxRatio,
  };
}

/** A figure compared with a fixed target: at least (`≥`) or at most (`≤`) `target`. */
export function againstTarget(name: string, unit: Unit, value: number, comparison: '≥' | '≤', target: number): Figure {
  return {
    name,
    unit,
    value,
    reference: { label: 'target', value: target },
    ratio: target === 0 ? null : value / target,
    target: `${comparison} ${target.toLocaleString('en')} ${unit}`,
    met: comparison === '≥' ? value >= target : value <= target,
  };
}

/** docs/design.md "Performance": peak memory of any process ≤ 300 MB, whatever the file size. */
const MAX_PROCESS_RSS_MB = 300;

export interface ProcessUsage {
  process: string;
  peakRssMb: number;
  cpuSeconds: number;
}

/** One figure per process: its peak resident memory against the per-process limit. */
export function peakRssFigures(scenario: string, usages: ProcessUsage[], limitMb = MAX_PROCESS_RSS_MB): Figure[] {
  return usages.map((u) => againstTarget(`peak RSS ${u.process} (${scenario})`, 'MB', u.peakRssMb, '≤', limitMb));
}

/** "CPU time: api 2.1 s, worker 140.3 s", which says whether a stage waited on Node or on PostgreSQL. */
export function describeCpu(usages: ProcessUsage[]): string {
  return `CPU time: ${usages.map((u) => `${u.process} ${u.cpuSeconds.toFixed(1)} s`).join(', ')}`;
}
