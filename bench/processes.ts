import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { ProcessUsage } from './measurement';

const SAMPLE_EVERY_MS = 100;
/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
const TICKS_PER_SECOND = 100;
/** A scenario is over when its processes are stopped; work still running in them is thrown away. */
const STOP_GRACE_MS = 5_000;

/**
 * Follows one process through /proc: its peak resident memory (Linux's high-water mark, VmHWM) and the CPU
 * time it has used. Both only grow, so sampling often enough to catch a short-lived process (psql) before it
 * exits is all that is needed.
 */
export class ProcessMonitor {
  private peakKb = 0;
  private cpuTicks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly process: string,
    private readonly pid: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      this.peakKb = Math.max(this.peakKb, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0));
      // Fields after the command name, which may contain spaces: state is [0], utime [11], stime [12].
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      this.cpuTicks = Math.max(this.cpuTicks, Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process has exited; its last sample stands
    }
  }

  finish(): ProcessUsage {
    this.sample();
    clearInterval(this.timer);
    return { process: this.process, peakRssMb: Math.round(this.peakKb / 1024), cpuSeconds: this.cpuTicks / TICKS_PER_SECOND };
  }
}

/** A child process whose output goes to a log file and whose memory and CPU time are followed from its start. */
export class WatchedProcess {
  readonly child: ChildProcess;
  readonly monitor: ProcessMonitor;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {
    const log = openSync(logFile, 'a');
    try {
      this.child = spawn(command, args, { env, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log); // the child has its own copy
    }
    if (this.child.pid === undefined) throw new Error(`${name} did not start (${command} ${args.join(' ')})`);
    this.monitor = new ProcessMonitor(name, this.child.pid);
    this.exited = once(this.child, 'exit').then(() => undefined);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** "exit code 1" or "signal SIGKILL", for a process that is no longer running. */
  get exitReason(): string {
    return this.child.signalCode ? `signal ${this.child.signalCode}` : `exit code ${this.child.exitCode}`;
  }

  /** Kills the process without warning, as a crash or the OOM killer would. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Asks the process to shut down (SIGTERM, as an orchestrator would), kills it if it takes too long. */
  async stop(): Promise<ProcessUsage> {
    const usage = this.monitor.finish();
    if (this.running) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(killer);
    }
    return usage;
  }
}

/** Runs a command to completion; rejects with its output when it fails. Returns stdout. */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr || stdout}`);
  return stdout;
}
