import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens are 256 random bits, so a fast SHA-256 is enough to store them safely (a slow password hash
 * protects guessable secrets; these are not guessable). The `hnd_` prefix makes a leaked token easy to spot.
 */
export function newToken(): string {
  return `hnd_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}
