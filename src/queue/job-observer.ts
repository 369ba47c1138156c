import { JobName, QueueName } from './jobs';

/** One run of a job's handler in this process, as the worker saw it. */
export interface JobRun {
  queue: QueueName;
  name: JobName;
  /** Wall-clock time the handler took, in seconds. */
  seconds: number;
}

/**
 * Told about every job run that ended in this process, so metrics can be kept outside the queue code
 * (src/modules/ops provides it). It must neither throw nor wait: it runs on the job's own path.
 * A job parked to wait for its children (the parse job's fan-out) has not ended and is not reported.
 */
export interface JobObserver {
  completed(run: JobRun, result: unknown): void;
  failed(run: JobRun): void;
}

export const JOB_OBSERVER = Symbol('JOB_OBSERVER');
