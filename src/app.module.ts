import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { CoreModule } from './common/core.module';
import { RateLimitModule } from './common/rate-limit.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { AuthModule } from './modules/auth/auth.module';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { DedupeModule } from './modules/dedupe/dedupe.module';
import { FreezeModule } from './modules/freeze/freeze.module';
import { HealthModule } from './modules/health/health.module';
import { IngestModule } from './modules/ingest/ingest.module';
import { PacksModule } from './modules/packs/packs.module';
import { PrivacyModule } from './modules/privacy/privacy.module';
import { TotalsModule } from './modules/totals/totals.module';
import { WebModule } from './modules/web/web.module';
import { ObservabilityModule } from './observability/observability.module';
import { QueueDashboardModule } from './observability/queue-dashboard.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { WorkersModule } from './workers.module';

export interface AppOptions {
  /** Run the pipeline's workers in this process. */
  workers: boolean;
}

/** The whole application; the API, the worker and the CLI differ only in what they start. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // No request log for probes and for the public counter that every supporter's page polls: a line each
          // is not worth it, and the request logger (a child logger per request) cost more CPU than the answer.
          exclude: [
            { path: 'health/live', method: RequestMethod.GET },
            { path: 'health/ready', method: RequestMethod.GET },
            { path: 'metrics', method: RequestMethod.GET }, // scraped every few seconds
            { path: 'public/campaigns/:slug/counter', method: RequestMethod.GET },
          ],
          pinoHttp: {
            level: config.logLevel,
            // Tokens are secrets; request bodies (names, e-mails) are never logged at all.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
        RedisModule,
        QueueModule,
        CoreModule,
        RateLimitModule,
        AuditModule,
        AuthModule,
        CampaignsModule,
        IngestModule,
        DedupeModule,
        TotalsModule,
        FreezeModule,
        PacksModule,
        PrivacyModule,
        HealthModule,
        WebModule,
        ObservabilityModule,
        // After WebModule: the queue dashboard's sign-in check needs the session middleware to have run.
        QueueDashboardModule,
        ...(options.workers ? [WorkersModule] : []),
      ],
    };
  }
}
