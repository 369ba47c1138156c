import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisClient, RedisKeys } from '../../redis/redis.module';

/**
 * Tells every API process at once that a person changed (token revoked or renewed, person disabled), over Redis
 * pub/sub, so that none keeps accepting a token it remembered. While this process is not subscribed (Redis
 * restarting), `live` is false and token lookups are not remembered at all.
 */
@Injectable()
export class UserChanges implements OnModuleDestroy {
  private readonly logger = new Logger(UserChanges.name);
  private subscriber: Redis | null = null;
  private readonly listeners: ((userId: number) => void)[] = [];
  live = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Calls `listener` with the id of every person changed from now on, in any process. */
  onChange(listener: (userId: number) => void): void {
    this.listeners.push(listener);
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate({ connectionName: this.keys.key('users-subscriber') });
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      subscriber.subscribe(this.keys.key('users-changed')).then(
        () => (this.live = this.subscriber === subscriber),
        (error: Error) => this.logger.warn(`no subscription to person changes; tokens are looked up every time: ${error.message}`),
      );
    });
    subscriber.on('close', () => (this.live = false));
    subscriber.on('error', () => undefined); // ioredis reconnects; 'close' has already stopped the remembering
    subscriber.on('message', (_channel: string, id: string) => this.listeners.forEach((l) => l(Number(id))));
  }

  async announce(userId: number): Promise<void> {
    await this.redis.publish(this.keys.key('users-changed'), String(userId));
  }

  async onModuleDestroy(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.live = false;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }
}
