import { JobName, JobPayloads, QueueName } from './jobs';

/** What a processor sees of a job. */
export interface JobContext<N extends JobName> {
  name: N;
  data: JobPayloads[N];
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

export interface ChildJob<C extends JobName = JobName> {
  name: C;
  data: JobPayloads[C];
  jobId: string;
}

/**
 * A processor reads the job payload and calls a service; nothing else. `handle` throws to let BullMQ retry;
 * what it returns is kept as the job's result (see `childResults`).
 * `giveUp` runs when the last attempt failed, so a stuck batch says why instead of waiting forever.
 */
export interface Processor<N extends JobName = JobName> {
  readonly queue: QueueName;
  /** Jobs of this queue one process runs at once; WORKER_CONCURRENCY when absent. */
  readonly concurrency?: number;
  handle(job: JobContext<N>): Promise<unknown>;
  giveUp?(job: JobContext<N>, error: Error): Promise<void>;
}

export const PROCESSORS = Symbol('PROCESSORS');
