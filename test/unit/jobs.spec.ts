import { assertOneHandlerPerJob, JOB_NAMES, JOB_QUEUES, jobId } from '../../src/queue/jobs';
import { Processor } from '../../src/queue/processor';
import { PIPELINE_PROCESSORS } from '../../src/workers.module';

/** The job names the workers' processors handle (their constructors only keep their dependencies). */
function handledJobs(): string[] {
  return PIPELINE_PROCESSORS.flatMap((type) => (Reflect.construct(type, []) as Processor).jobs);
}

describe('jobs', () => {
  it('has exactly one processor for every job name, so the workers start', () => {
    expect([...handledJobs()].sort()).toEqual([...JOB_NAMES].sort());
    expect(() => assertOneHandlerPerJob(handledJobs())).not.toThrow();
  });

  it('refuses to start when a job name has no handler, naming it', () => {
    const withoutChunks = handledJobs().filter((name) => name !== 'parse-chunk');
    expect(() => assertOneHandlerPerJob(withoutChunks)).toThrow('workers refuse to start: no handler for job parse-chunk');
  });

  it('refuses to start when a job name has two handlers, or a handler names no job', () => {
    expect(() => assertOneHandlerPerJob([...handledJobs(), 'dedupe'])).toThrow('two handlers for job dedupe');
    expect(() => assertOneHandlerPerJob([...handledJobs(), 'parse-cunk'])).toThrow('handlers for unknown job parse-cunk');
  });

  it('runs a chunk on its file job\'s queue, and derives ids from business keys', () => {
    expect(JOB_QUEUES['parse-chunk']).toBe(JOB_QUEUES.parse);
    expect(jobId('parse-chunk', 'b1', 3)).toBe('parse-chunk-b1-3');
  });
});
