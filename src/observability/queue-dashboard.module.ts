import { getQueueToken } from '@nestjs/bullmq';
import { MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../queue/jobs';
import { AuthModule } from '../modules/auth/auth.module';
import { AdminOnlyMiddleware } from './admin-only.middleware';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './queue-dashboard';

/**
 * The queue dashboard at `/admin/queues` (Bull Board), for the campaign lead only. Import it after WebModule and
 * keep it out of any global module: Nest applies the middleware of global modules first, and AdminOnlyMiddleware
 * must run after the web module's session middleware to see the session (and after its page marker, so that a
 * visitor who is not signed in is sent to sign in).
 */
@Module({
  imports: [AuthModule],
  providers: [AdminOnlyMiddleware],
})
export class QueueDashboardModule implements NestModule, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminOnlyMiddleware).forRoutes(QUEUE_DASHBOARD_PATH, `${QUEUE_DASHBOARD_PATH}/*path`);
  }

  /**
   * Bull Board is an Express router that expects to be mounted with `use` (it routes relative to its mount
   * point), which Nest's middleware consumer does not do. Mounted here, after Nest registered its middleware and
   * routes (so AdminOnlyMiddleware runs first) and before its not-found handler. A worker process has no HTTP.
   */
  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http) return;
    const queues = QUEUE_NAMES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    http.use(QUEUE_DASHBOARD_PATH, queueDashboard(queues));
  }
}
