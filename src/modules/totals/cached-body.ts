import { createHash } from 'node:crypto';

/** A JSON response body serialised once and served many times, with its entity tag. */
export interface CachedBody {
  json: string;
  buffer: Buffer;
  /** Weak, in the form Express generates, so a client's If-None-Match matches whichever path answered it. */
  etag: string;
}

export function cachedBody(json: string): CachedBody {
  const buffer = Buffer.from(json, 'utf8');
  const hash = createHash('sha1').update(buffer).digest('base64').substring(0, 27);
  return { json, buffer, etag: `W/"${buffer.length.toString(16)}-${hash}"` };
}

/**
 * Whether a conditional GET can be answered 304: an If-None-Match naming this entity tag (compared weakly, as
 * RFC 9110 requires for If-None-Match), unless the client asked for a fresh copy with Cache-Control: no-cache.
 */
export function isNotModified(ifNoneMatch: string | undefined, cacheControl: string | undefined, etag: string): boolean {
  if (!ifNoneMatch || (cacheControl && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(cacheControl))) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === wanted);
}
