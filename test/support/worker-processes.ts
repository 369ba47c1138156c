import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const WORKER = join(__dirname, '..', '..', 'dist', 'src', 'worker.js');

/** Worker processes (`node dist/src/worker.js`) for a test; all are killed by `stopAll`, even after a failure. */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  constructor(private readonly env: Record<string, string>) {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npx nest build\` first`);
  }

  /** Starts one; its output is printed only if it exits by itself (not killed by the test). */
  start(): ChildProcess {
    const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM') console.warn(`worker ${child.pid} exited (${code ?? signal}):\n${output.slice(-4000)}`);
    });
    this.children.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    for (const child of this.children) if (isRunning(child)) child.kill('SIGKILL');
    await Promise.all(this.children.map(exited));
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
