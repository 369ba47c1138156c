import { EventEmitter } from 'node:events';
import { AppConfig } from '../../src/config/config';
import { RedisClient, RedisKeys } from '../../src/redis/redis.module';
import { Totals } from '../../src/modules/totals/breakdown';
import { PublishedTotalsRepository } from '../../src/modules/totals/published-totals.repository';

/** The subscription is an EventEmitter here, and each Redis GET waits until the test answers it. */
class FakeRedis {
  readonly subscriber = Object.assign(new EventEmitter(), {
    status: 'connecting',
    psubscribe: async () => undefined,
    quit: async () => undefined,
  });
  readonly gets: { key: string; answer: (value: string | null) => void }[] = [];

  duplicate() {
    return this.subscriber;
  }

  get(key: string): Promise<string | null> {
    return new Promise((answer) => this.gets.push({ key, answer }));
  }

  /** Connects (or reconnects) the subscription and waits until it is confirmed. */
  async connect(): Promise<void> {
    this.subscriber.status = 'ready';
    this.subscriber.emit('ready');
    await flush();
  }

  drop(): void {
    this.subscriber.status = 'reconnecting';
    this.subscriber.emit('close');
  }

  announce(slug: string, total: number): void {
    this.subscriber.emit('pmessage', 'p:totals-changed:*', `p:totals-changed:${slug}`, JSON.stringify(totals(total)));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const totals = (total: number) => ({ campaign: 'c', total, goal: 100, updatedAt: null }) as unknown as Totals;
const counter = (total: number) => JSON.stringify({ total, goal: 100, updatedAt: null });
const shown = (body: { json: string } | undefined | null) => (body ? JSON.parse(body.json).total : body);

describe('published totals held in memory', () => {
  let redis: FakeRedis;
  let published: PublishedTotalsRepository;

  /** Reads the counter through Redis: the read starts, then Redis answers `total`. */
  async function readThroughRedis(total: number) {
    const read = published.counter('c', async () => totals(0));
    await flush();
    redis.gets.shift()!.answer(counter(total));
    return shown(await read);
  }

  beforeEach(async () => {
    redis = new FakeRedis();
    published = new PublishedTotalsRepository(redis as unknown as RedisClient, new RedisKeys({ redisPrefix: 'p' } as AppConfig));
    // As in the API, the first read opens the subscription.
    expect(await readThroughRedis(1)).toBe(1);
  });

  it('are read from Redis until the subscription is confirmed, then held', async () => {
    expect(published.heldCounter('c')).toBeUndefined();
    expect(await readThroughRedis(1)).toBe(1);
    expect(published.heldCounter('c')).toBeUndefined();
    await redis.connect();
    expect(await readThroughRedis(2)).toBe(2);
    expect(shown(published.heldCounter('c'))).toBe(2);
    expect(shown(await published.counter('c', async () => totals(0)))).toBe(2);
    expect(redis.gets).toHaveLength(0);
  });

  it('follow every announced change', async () => {
    await redis.connect();
    redis.announce('c', 5);
    expect(shown(published.heldCounter('c'))).toBe(5);
    expect(JSON.parse((await published.totals('c'))!.json)).toMatchObject({ total: 5 });
    redis.announce('c', 6);
    expect(shown(published.heldCounter('c'))).toBe(6);
  });

  it('keep an announced change when a Redis read that started before it answers after it', async () => {
    await redis.connect();
    const read = published.counter('c', async () => totals(0));
    await flush();
    redis.announce('c', 9);
    redis.gets.shift()!.answer(counter(8));
    expect(shown(await read)).toBe(8); // that request got what Redis had when it asked
    expect(shown(published.heldCounter('c'))).toBe(9);
  });

  it('are dropped with the subscription, and a read spanning the reconnection is not kept', async () => {
    await redis.connect();
    redis.announce('c', 3);
    redis.drop();
    expect(published.heldCounter('c')).toBeUndefined();

    const read = published.counter('c', async () => totals(0));
    await flush();
    await redis.connect();
    redis.gets.shift()!.answer(counter(4));
    expect(shown(await read)).toBe(4);
    expect(published.heldCounter('c')).toBeUndefined();
    expect(await readThroughRedis(4)).toBe(4);
    expect(shown(published.heldCounter('c'))).toBe(4);
  });

  it('do not keep a read that started before the subscription dropped and answered after it was back', async () => {
    await redis.connect();
    const read = published.counter('c', async () => totals(0));
    await flush();
    redis.drop(); // a change announced now is lost; the read may have missed it too
    await redis.connect();
    redis.gets.shift()!.answer(counter(4));
    expect(shown(await read)).toBe(4);
    expect(published.heldCounter('c')).toBeUndefined();
  });
});
