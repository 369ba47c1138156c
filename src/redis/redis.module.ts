import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/config';

/** Builds every Redis key, so that test, demo and production data never meet in a shared Redis. */
@Injectable()
export class RedisKeys {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  key(...parts: (string | number)[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
  }
}

/** The shared command connection (counters, cache, publish). Subscribers open their own. */
@Injectable()
export class RedisClient extends Redis implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

@Global()
@Module({ providers: [RedisKeys, RedisClient], exports: [RedisKeys, RedisClient] })
export class RedisModule {}
