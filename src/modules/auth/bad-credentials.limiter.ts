import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { RedisClient } from '../../redis/redis.module';

/**
 * Bearer tokens that find no one, counted per client address in Redis (so across API processes). Past
 * RATE_LIMIT_BAD_CREDENTIALS_PER_MINUTE, an address gets 429 without a database lookup: guessing tokens stops
 * being a way to load the database.
 */
@Injectable()
export class BadCredentialsLimiter {
  private readonly failures: RateLimiterRedis;
  private readonly limit: number;

  constructor(redis: RedisClient, @Inject(APP_CONFIG) config: AppConfig) {
    this.limit = config.badCredentialsPerMinute;
    this.failures = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}:bad-credentials`, points: this.limit, duration: 60 });
  }

  /** Seconds until this address may try a token again, or 0. */
  async retryAfter(address: string): Promise<number> {
    const seen = await this.failures.get(address);
    return seen && seen.consumedPoints >= this.limit ? Math.ceil(seen.msBeforeNext / 1000) : 0;
  }

  async failed(address: string): Promise<void> {
    await this.failures.consume(address).catch((result: unknown) => {
      if (!(result instanceof RateLimiterRes)) throw result; // over the limit: counted all the same
    });
  }
}
