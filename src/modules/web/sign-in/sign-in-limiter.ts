import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { RedisClient } from '../../../redis/redis.module';

/** Failed sign-ins allowed per e-mail address in EMAIL_WINDOW_S: a person who mistypes a few times is not locked out. */
const EMAIL_FAILURES = 5;
const EMAIL_WINDOW_S = 15 * 60;
/** Per address of the client: higher, since an office or a phone network puts many people behind one address. */
const IP_FAILURES = 30;
const IP_WINDOW_S = 60 * 60;

/**
 * Slows password guessing: failed sign-ins are counted per e-mail and per client address in Redis, so the limit
 * holds across every API process. While either count is over its limit, sign-in is refused without checking the
 * password. A successful sign-in clears the e-mail's count.
 */
@Injectable()
export class SignInLimiter {
  private readonly byEmail: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(redis: RedisClient, @Inject(APP_CONFIG) config: AppConfig) {
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}:sign-in-failures:${name}`, points, duration });
    this.byEmail = limiter('email', EMAIL_FAILURES, EMAIL_WINDOW_S);
    this.byIp = limiter('ip', IP_FAILURES, IP_WINDOW_S);
  }

  /** Seconds until this e-mail and address may try again, or 0 when they may try now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const [forEmail, forIp] = await Promise.all([this.byEmail.get(emailKey(email)), this.byIp.get(ip)]);
    const waits = [
      forEmail && forEmail.consumedPoints >= EMAIL_FAILURES ? forEmail.msBeforeNext : 0,
      forIp && forIp.consumedPoints >= IP_FAILURES ? forIp.msBeforeNext : 0,
    ];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  async failed(email: string, ip: string): Promise<void> {
    // consume() rejects with a RateLimiterRes once over the limit; the count is what matters here.
    const overLimit = (result: unknown) => {
      if (!(result instanceof RateLimiterRes)) throw result;
    };
    await Promise.all([this.byEmail.consume(emailKey(email)).catch(overLimit), this.byIp.consume(ip).catch(overLimit)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.byEmail.delete(emailKey(email));
  }
}

/** A digest, so that Redis holds no list of the people who tried to sign in. */
function emailKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}
