import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { JobObserver, JobRun } from '../queue/job-observer';
import { ReconcileResult } from '../modules/totals/reconcile.processor';
import { ChunkResult } from '../modules/ingest/parse.service';
import { METRIC } from './metrics';

/** Turns the job runs the workers of this process report into metrics; what a job returned says the rest. */
@Injectable()
export class JobMetrics implements JobObserver {
  constructor(
    @InjectMetric(METRIC.stageDuration) private readonly duration: Histogram<'stage'>,
    @InjectMetric(METRIC.stageFailures) private readonly failures: Counter<'stage'>,
    @InjectMetric(METRIC.rowsParsed) private readonly rows: Counter<'outcome'>,
    @InjectMetric(METRIC.reconcileRepaired) private readonly repaired: Counter,
  ) {}

  completed(run: JobRun, result: unknown): void {
    this.duration.observe({ stage: run.name }, run.seconds);
    // A chunk of a batch that was failed or retracted meanwhile returns null: nothing was read.
    if (run.name === 'parse-chunk' && result) {
      const chunk = result as NonNullable<ChunkResult>;
      this.rows.inc({ outcome: 'accepted' }, chunk.accepted);
      this.rows.inc({ outcome: 'rejected' }, chunk.rejected);
    }
    if (run.name === 'reconcile' && result) this.repaired.inc((result as ReconcileResult).repaired);
  }

  failed(run: JobRun): void {
    this.failures.inc({ stage: run.name });
  }
}
