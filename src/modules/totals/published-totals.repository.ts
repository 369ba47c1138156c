import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { filter, map, Observable, share, Subject } from 'rxjs';
import { RedisClient, RedisKeys } from '../../redis/redis.module';
import { publicCounter, Totals } from './breakdown';
import { CachedBody, cachedBody } from './cached-body';

type Kind = 'totals' | 'counter';

/**
 * The published totals of each campaign in Redis: the campaign-wide totals and the public counter under two keys,
 * and every change announced on a channel. Whichever process publishes (a worker, after a batch), each API process
 * holds the latest bodies in memory, so that reading them under load costs neither Redis nor JSON work.
 *
 * What is held is current up to the pub/sub latency: a body is held only while this process's subscription is
 * up, is replaced by every change announced on it, and is dropped when the subscription drops (announcements
 * made meanwhile are lost), after which reads go to Redis until the subscription is back. A read from Redis is
 * kept only if no change was announced while it was under way, so an older value never replaces a newer one.
 * The subscription starts with the first read, so workers and the CLI, which never read, never open it.
 */
@Injectable()
export class PublishedTotalsRepository implements OnModuleDestroy {
  private readonly logger = new Logger(PublishedTotalsRepository.name);
  private subscriber: Redis | null = null;
  /** True while the subscription is confirmed: only then is `held` trusted and added to. */
  private live = false;
  /** Bumped whenever `live` changes, so a read that spans a reconnection is not kept. */
  private epoch = 0;
  private readonly held = new Map<string, CachedBody>();
  /** Changes announced per campaign slug since this process subscribed. */
  private readonly versions = new Map<string, number>();
  private readonly announced = new Subject<{ slug: string; totals: Totals }>();
  private readonly shared = this.announced.pipe(share());

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Stores both views and announces the change, atomically (MULTI), so no reader sees one without the other. */
  async publish(slug: string, totals: Totals): Promise<void> {
    const json = JSON.stringify(totals);
    await this.redis
      .multi()
      .set(this.keys.key('totals', slug), json)
      .set(this.keys.key('counter', slug), JSON.stringify(publicCounter(totals)))
      .publish(this.channel(slug), json)
      .exec();
  }

  /** The public counter's body when this process holds the current one; never waits. */
  heldCounter(slug: string): CachedBody | undefined {
    return this.live ? this.held.get(this.heldKey('counter', slug)) : undefined;
  }

  /** The campaign-wide totals' body when this process holds the current one; never waits. */
  heldTotals(slug: string): CachedBody | undefined {
    return this.live ? this.held.get(this.heldKey('totals', slug)) : undefined;
  }

  /** The campaign-wide totals as published, or null if none were published yet. */
  totals(slug: string): Promise<CachedBody | null> {
    return this.read('totals', slug, () => this.redis.get(this.keys.key('totals', slug)));
  }

  /**
   * The public counter as published; when none was published yet, `compute` makes one, which is stored unless a
   * publication got there first.
   */
  counter(slug: string, compute: () => Promise<Totals>): Promise<CachedBody> {
    const key = this.keys.key('counter', slug);
    return this.read('counter', slug, async () => {
      const stored = await this.redis.get(key);
      if (stored) return stored;
      const json = JSON.stringify(publicCounter(await compute()));
      await this.redis.set(key, json, 'NX');
      return json;
    }) as Promise<CachedBody>;
  }

  /** Every change of one campaign's totals announced from now on. */
  changes(slug: string): Observable<Totals> {
    this.subscribe();
    return this.shared.pipe(
      filter((change) => change.slug === slug),
      map((change) => change.totals),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.announced.complete();
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private async read(kind: Kind, slug: string, load: () => Promise<string | null>): Promise<CachedBody | null> {
    const held = this.live ? this.held.get(this.heldKey(kind, slug)) : undefined;
    if (held) return held;
    this.subscribe();
    const { live, epoch } = this;
    const version = this.versions.get(slug) ?? 0;
    const json = await load();
    if (json === null) return null;
    const body = cachedBody(json);
    if (live && epoch === this.epoch && version === (this.versions.get(slug) ?? 0)) this.held.set(this.heldKey(kind, slug), body);
    return body;
  }

  private subscribe(): void {
    if (this.subscriber) return;
    // Resubscribing by hand (not ioredis' autoResubscribe) tells us when the subscription is back after a reconnection.
    const subscriber = this.redis.duplicate({ autoResubscribe: false, connectionName: this.keys.key('totals-subscriber') });
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      subscriber.psubscribe(this.channel('*')).then(
        () => this.subscriber === subscriber && subscriber.status === 'ready' && this.setLive(true),
        (error: Error) => this.subscriber === subscriber && this.logger.warn(`no totals subscription, totals are read from Redis: ${error.message}`),
      );
    });
    subscriber.on('close', () => this.setLive(false));
    subscriber.on('error', () => undefined); // ioredis reconnects; 'close' has already made reads go to Redis
    subscriber.on('pmessage', (_pattern: string, channel: string, json: string) => this.announce(channel.slice(this.channel('').length), json));
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    this.epoch++;
    if (!live) this.held.clear();
  }

  private announce(slug: string, json: string): void {
    const totals = JSON.parse(json) as Totals;
    this.versions.set(slug, (this.versions.get(slug) ?? 0) + 1);
    this.held.set(this.heldKey('totals', slug), cachedBody(json));
    this.held.set(this.heldKey('counter', slug), cachedBody(JSON.stringify(publicCounter(totals))));
    this.announced.next({ slug, totals });
  }

  private channel(slug: string): string {
    return this.keys.key('totals-changed', slug);
  }

  private heldKey(kind: Kind, slug: string): string {
    return `${kind}:${slug}`;
  }
}
