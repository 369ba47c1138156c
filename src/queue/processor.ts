import { JobName, JobPayloads, QueueName } from './jobs';

/** What a processor sees of a job. */
export interface JobContext<N extends JobName> {
  name: N;
  data: JobPayloads[N];
  /** True on the last attempt BullMQ will make. */
  finalAttempt: boolean;
}

/**
 * A processor reads the job payload and calls a service; nothing else. `handle` throws to let BullMQ retry.
 * `giveUp` runs when the last attempt failed, so a stuck batch says why instead of waiting forever.
 */
export interface Processor<N extends JobName = JobName> {
  readonly queue: QueueName;
  handle(job: JobContext<N>): Promise<void>;
  giveUp?(job: JobContext<N>, error: Error): Promise<void>;
}

export const PROCESSORS = Symbol('PROCESSORS');
