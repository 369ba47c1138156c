import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { JOB_OBSERVER } from '../queue/job-observer';
import { CampaignsModule } from '../modules/campaigns/campaigns.module';
import { TotalsModule } from '../modules/totals/totals.module';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { JobMetrics } from './job-metrics';
import { MetricsController } from './metrics.controller';
import { METRIC_PROVIDERS } from './metrics';
import { SharedStateMetrics } from './shared-state.metrics';

/**
 * Registered once per process, not per app: PrometheusModule.register() starts prom-client's default metrics
 * (CPU, memory, event loop) on the process-wide registry, and starting them twice throws.
 */
const PROMETHEUS = PrometheusModule.register({ controller: MetricsController, path: '/metrics' });

/**
 * Prometheus metrics: `/metrics` on the API, and the job metrics of every process that runs workers.
 * Global so that the workers (src/queue) get the JobObserver without the queue code depending on this module.
 * The queue dashboard is QueueDashboardModule, the health checks the health module's, the OpenAPI document
 * api-docs.ts.
 */
@Global()
@Module({
  imports: [PROMETHEUS, CampaignsModule, TotalsModule],
  providers: [...METRIC_PROVIDERS, JobMetrics, { provide: JOB_OBSERVER, useExisting: JobMetrics }, SharedStateMetrics],
  // SharedStateMetrics for MetricsController, which PrometheusModule hosts.
  exports: [JOB_OBSERVER, SharedStateMetrics],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
