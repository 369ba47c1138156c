import { Request, RequestHandler } from 'express';
import RedisStore from 'connect-redis';
import session from 'express-session';
import Redis from 'ioredis';
import { createHmac } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in person; absent before sign-in. */
    userId?: number;
    /** When they signed in (ms since the epoch), for the absolute expiry. */
    signedInAt?: number;
  }
}

export const SESSION_COOKIE = 'handin.sid';

/**
 * Web sessions, held in Redis so that every API process accepts them. The cookie is HttpOnly and SameSite=Lax
 * (Secure when PUBLIC_URL is https); it expires after SESSION_IDLE_MINUTES without a request (rolling), and
 * the session ends SESSION_MAX_HOURS after sign-in however active it is. Only a request that carries a session
 * cookie or creates a session touches Redis, so API calls with a bearer token cost nothing extra.
 */
export function sessionMiddleware(config: AppConfig, redis: Redis, keyPrefix: string, clock: Clock): RequestHandler[] {
  const idleMs = config.sessionIdleMinutes * 60_000;
  const store = new RedisStore({ client: redis, prefix: keyPrefix, ttl: idleMs / 1000 });
  const sessions = session({
    name: SESSION_COOKIE,
    store,
    // One secret per deployment to keep safe: the cookie key is derived from HANDIN_HMAC_SECRET, never equal to it.
    secret: createHmac('sha256', config.hmacSecret).update('handin session cookie').digest('hex'),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https://'), maxAge: idleMs, path: '/' },
  });
  const maxAgeMs = config.sessionMaxHours * 3600_000;
  const absoluteExpiry: RequestHandler = (request, _response, next) => {
    const signedInAt = request.session?.signedInAt;
    if (signedInAt !== undefined && clock.now().getTime() - signedInAt > maxAgeMs) return request.session.destroy(() => next());
    next();
  };
  return [sessions, absoluteExpiry];
}

/** Starts a fresh session for a person who just signed in: a new id, so a session id planted earlier is useless. */
export function startSession(request: Request, userId: number, now: Date): Promise<void> {
  return new Promise((resolve, reject) =>
    request.session.regenerate((error) => {
      if (error) return reject(error);
      request.session.userId = userId;
      request.session.signedInAt = now.getTime();
      request.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    }),
  );
}

export function endSession(request: Request): Promise<void> {
  return new Promise((resolve, reject) => request.session.destroy((error) => (error ? reject(error) : resolve())));
}
