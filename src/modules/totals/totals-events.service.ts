import { Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import { concat, defer, filter, map, Observable, share, Subject } from 'rxjs';
import { RedisClient } from '../../redis/redis.module';
import { Totals } from './breakdown';
import { TotalsService } from './totals.service';

/**
 * Turns totals published on Redis (by whichever worker finished a batch) into server-sent events. One Redis
 * subscription per API process serves all of its dashboards.
 */
@Injectable()
export class TotalsEventsService implements OnModuleDestroy {
  private subscriber: RedisClient | null = null;
  private readonly messages = new Subject<{ channel: string; totals: Totals }>();
  private readonly shared = this.messages.pipe(share());

  constructor(
    private readonly redis: RedisClient,
    private readonly totals: TotalsService,
  ) {}

  /** The current totals first, then every change, for one campaign. */
  stream(user: Parameters<TotalsService['forUser']>[0], slug: string): Observable<MessageEvent> {
    this.ensureSubscribed();
    const channel = this.totals.totalsChannel(slug);
    return concat(
      defer(() => this.totals.forUser(user, slug)),
      this.shared.pipe(
        filter((m) => m.channel === channel),
        map((m) => m.totals),
      ),
    ).pipe(map((data) => ({ type: 'totals', data })));
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate() as RedisClient;
    void this.subscriber.psubscribe(this.totals.totalsChannel('*'));
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => this.messages.next({ channel, totals: JSON.parse(message) }));
  }

  async onModuleDestroy(): Promise<void> {
    this.messages.complete();
    await this.subscriber?.quit().catch(() => undefined);
  }
}
