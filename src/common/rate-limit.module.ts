import { Inject, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Request } from 'express';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/** Uploads: the API's multipart batches and the web app's check and count of a file. */
const UPLOAD = /^\/(api\/campaigns\/[^/]+\/sections\/[^/]+\/batches|campaigns\/[^/]+\/sections\/[^/]+\/(check|count))(\?|$)/;

/**
 * The counts, in Redis under this deployment's prefix. A provider of its own, so that Nest closes its connection
 * when the process stops (the CLI would otherwise never exit); it connects on first use.
 */
@Injectable()
class RateLimitStorage extends ThrottlerStorageRedisService {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.redisUrl, { keyPrefix: `${config.redisPrefix}:rate-limit:`, lazyConnect: true, maxRetriesPerRequest: 2 });
  }
}

@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
class RateLimitStorageModule {}

/**
 * Requests per client address and minute, counted in Redis so that the limits hold across every API process
 * (@nestjs/throttler with Redis storage). Past a limit the answer is 429 with Retry-After. The public counter and
 * an admin's totals are answered before this (published-totals.listener.ts) and are not limited here.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [APP_CONFIG, RateLimitStorage],
      useFactory: (config: AppConfig, storage: RateLimitStorage) => ({
        throttlers: [
          { name: 'requests', ttl: 60_000, limit: config.requestsPerMinute },
          {
            name: 'uploads',
            ttl: 60_000,
            limit: config.uploadsPerMinute,
            skipIf: (context) => {
              const request = context.switchToHttp().getRequest<Request>();
              return request.method !== 'POST' || !UPLOAD.test(request.originalUrl);
            },
          },
        ],
        storage,
        errorMessage: 'Too many requests from your address. Wait a minute and try again.',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class RateLimitModule {}
