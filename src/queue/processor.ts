import { Job, JobName, JobPayloads } from './jobs';

/** What a processor can do with the job it runs, besides reading it. */
interface JobControls<N extends JobName> {
  /** True on the last attempt BullMQ will make. */
  finalAttempt: boolean;
  /**
   * Queues `children` on this job's queue and parks this job until all of them have completed; it then runs
   * again from the start with `next` merged into its data. (Returns instead of parking when they already have.)
   */
  fanOut(children: ChildJob[], next: Partial<JobPayloads[N]>): Promise<void>;
  /** What this job's children returned, once they have all completed. */
  childResults<T>(): Promise<T[]>;
}

/** What a processor sees of a job: a union over the names it handles, so checking `name` narrows `data`. */
export type JobContext<N extends JobName = JobName> = N extends JobName ? Job<N> & JobControls<N> : never;

/** A job queued by another job: always with its business-key id. */
export type ChildJob<C extends JobName = JobName> = Job<C> & { jobId: string };

/**
 * A processor reads the job payload and calls a service; nothing else. `handle` throws to let BullMQ retry;
 * what it returns is kept as the job's result (see `childResults`).
 * `giveUp` runs when the last attempt failed, so a stuck batch says why instead of waiting forever.
 */
export interface Processor<N extends JobName = JobName> {
  /** The jobs this processor handles. At boot every job name must have exactly one processor. */
  readonly jobs: readonly N[];
  /** Jobs of this processor's queue one process runs at once; WORKER_CONCURRENCY when absent. */
  readonly concurrency?: number;
  handle(job: JobContext<N>): Promise<unknown>;
  giveUp(job: JobContext<N>, error: Error): Promise<void>;
}

export const PROCESSORS = Symbol('PROCESSORS');
