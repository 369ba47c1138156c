import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MachineInfo } from './machine';
import { Figure, MeasurementResult, Unit } from './measurement';
import { BenchOptions } from './options';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  options: Pick<BenchOptions, 'rows' | 'durationSeconds' | 'connections'>;
  machine: MachineInfo;
  measurements: Record<string, MeasurementResult>;
}

/** Progress on stderr, so stdout carries only the table. */
export function progress(message: string): void {
  console.error(`bench: ${message}`);
}

export function printReport(report: BenchReport): void {
  const m = report.machine;
  console.log(
    `\nHandin benchmark, ${report.options.rows.toLocaleString('en')} rows, ${report.startedAt}\n` +
      `${m.cpuModel} × ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}; Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}; ` +
      `commit ${m.commit}; CPUs ${m.cpuBusyPercentAtStart} % busy before the run\n`,
  );
  const header = ['measurement', 'figure', 'value', 'baseline / target', 'ratio', 'target', 'met'];
  const rows = Object.entries(report.measurements).flatMap(([name, result]) => result.figures.map((f) => tableRow(name, f)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 || i === 3 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const [name, result] of Object.entries(report.measurements)) {
    for (const note of result.notes) console.log(`${name}: ${note}`);
  }
}

function tableRow(measurement: string, f: Figure): string[] {
  return [
    measurement,
    f.name,
    formatValue(f.value, f.unit),
    `${f.reference.label} ${formatValue(f.reference.value, f.unit)}`,
    f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`,
    f.target ?? 'informs',
    f.met === null ? '' : f.met ? 'yes' : 'NO',
  ];
}

export function formatValue(value: number, unit: Unit): string {
  const digits = unit === 's' || unit === 'ms' ? (value < 10 ? 2 : 1) : 0;
  return `${value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** Writes bench/results/<date and time>.json in the source tree (the README quotes the latest). */
export async function writeReport(options: BenchOptions, report: BenchReport): Promise<string> {
  const dir = join(options.root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${report.startedAt.slice(0, 16).replace(':', '-')}.json`);
  await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}
