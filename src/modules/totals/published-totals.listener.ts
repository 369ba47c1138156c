import { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { bearerToken } from '../auth/token';
import { UsersService } from '../auth/users.service';
import { CachedBody, isNotModified } from './cached-body';
import { PublishedTotalsRepository } from './published-totals.repository';

export const PUBLIC_COUNTER_CACHE_CONTROL = 'public, max-age=5';

type Listener = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Told of every answer given here, with the route pattern Express would have matched (for the HTTP metrics). */
export type AnswerCounter = (method: string, route: string, status: number) => void;

export const COUNTER_ROUTE = '/public/campaigns/:slug/counter';
export const TOTALS_ROUTE = '/api/campaigns/:slug/totals';

const COUNTER_PATH = /^\/public\/campaigns\/([a-z0-9][a-z0-9-]*)\/counter(?:\?|$)/;
const TOTALS_PATH = /^\/api\/campaigns\/([a-z0-9][a-z0-9-]*)\/totals(?:\?|$)/;

const COUNTER_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Access-Control-Allow-Origin': '*',
  'Cache-Control': PUBLIC_COUNTER_CACHE_CONTROL,
};
const TOTALS_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

/**
 * Answers the two reads that are polled under load straight from Node's request event, ahead of Express and
 * Nest, when this process holds the published body: the public counter, and the campaign-wide totals for an
 * admin. Returns false for anything else (another route, another method, a body not held, a coordinator's
 * share, a token the guard has not just accepted), which then takes the usual way through Nest, where the
 * controllers answer the same bodies with the same headers.
 *
 * Why in front of the framework: docs/design.md "Performance" asks, at 100 connections on two cores, for 5,000
 * counter requests/s with a p99 of 20 ms idle, and for a p99 of 100 ms on both reads while a large ingest
 * keeps a worker and PostgreSQL busy. Through Express and Nest, even with the body held in memory and no
 * request log, a counter answer cost about 130 µs of CPU and an admin's totals about 160 µs, which left the
 * counter's latency target out of reach and the totals' p99 during an ingest above 100 ms; from here either
 * costs under 30 µs. Answering from the same server's request listener keeps one port and one process and
 * changes nothing for any other route; moving the whole API to Fastify instead would mean reworking the
 * streaming upload (Express's request and response in the batches controller) and the error filter, and would
 * still run the whole Nest pipeline for each request.
 * These answers are not logged: the counter is left out of the request log anyway (app.module.ts), and an
 * admin re-reading totals is not worth a line each. Refusals and coordinators' requests still go through Nest
 * and its request log. They are counted in the HTTP metrics like every other answer (`count`).
 */
export function publishedTotalsListener(published: PublishedTotalsRepository, users: UsersService, count: AnswerCounter): Listener {
  const answered = (req: IncomingMessage, res: ServerResponse, route: string, body: CachedBody | undefined, headers: OutgoingHttpHeaders) => {
    if (!answer(req, res, body, headers)) return false;
    count(req.method!, route, res.statusCode);
    return true;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const counterSlug = COUNTER_PATH.exec(url)?.[1];
    if (counterSlug !== undefined) return answered(req, res, COUNTER_ROUTE, published.heldCounter(counterSlug), COUNTER_HEADERS);

    const totalsSlug = TOTALS_PATH.exec(url)?.[1];
    if (totalsSlug === undefined) return false;
    // The route admits admins and coordinators (TotalsController); only an admin sees the totals as published.
    // A user is taken only as the guard's own lookup found it, less than TOKEN_CACHE_MS ago.
    const token = bearerToken(req.headers.authorization);
    if (!token || users.recentUser(token)?.role !== 'admin') return false;
    return answered(req, res, TOTALS_ROUTE, published.heldTotals(totalsSlug), TOTALS_HEADERS);
  };
}

function answer(req: IncomingMessage, res: ServerResponse, body: CachedBody | undefined, headers: OutgoingHttpHeaders): boolean {
  if (!body) return false;
  const notModified = isNotModified(req.headers['if-none-match'], req.headers['cache-control'], body.etag);
  res.writeHead(notModified ? 304 : 200, { ...headers, ETag: body.etag, ...(notModified ? {} : { 'Content-Length': body.buffer.length }) });
  res.end(notModified || req.method === 'HEAD' ? undefined : body.buffer);
  return true;
}

/** Puts `first` ahead of the server's request listener (Nest's Express app): the app sees what `first` declines. */
export function answerFirst(server: Server, first: Listener): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listeners.length !== 1) throw new Error(`expected the HTTP server to have one request listener (the app), found ${listeners.length}`);
  const [app] = listeners;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!first(req, res)) app(req, res);
  });
}
