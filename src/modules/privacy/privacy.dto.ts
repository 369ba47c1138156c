import { displayName, normaliseEmail } from '../../domain/dedupe-keys';
import { InvalidInputError } from '../../common/errors';

/** `POST /api/campaigns/:slug/purge`: `{dryRun: true}` to see what would go, `{confirm: "<slug>"}` to purge. */
export interface PurgeRequest {
  dryRun: boolean;
}

/** `POST /api/campaigns/:slug/erase`: who asked to be removed, as they signed (e-mail, or name + country + postcode or city). */
export interface EraseRequest {
  dryRun: boolean;
  email: string | null;
  name: string | null;
  country: string | null;
  postcode: string | null;
  city: string | null;
}

export interface PurgeReport {
  campaign: string;
  dryRun: boolean;
  purgedAt: string | null;
  /** Accepted rows deleted (names, cities, regions, external ids, keys). */
  signatures: number;
  /** Signers kept for the counts, without their key: what the totals and the recount need. */
  signers: number;
  /** Rows of the frozen copy that lost their name and city (they still count in the frozen numbers). */
  frozenSigners: number;
  /** Batches whose uploaded file and reports were deleted from the file store. */
  batchFiles: number;
  packs: number;
  /** The headline total, the same before and after. */
  total: number;
  message: string;
}

export interface EraseReport {
  campaign: string;
  dryRun: boolean;
  signaturesDeleted: number;
  /** Whether the person counted (then the total went down by one). */
  counted: boolean;
  totalBefore: number;
  totalAfter: number;
  /** Delivery points whose packs could list the person: they are (dry run: would be) deleted and made again without them. */
  packsRemade: string[];
  /** Whether the person was in the frozen copy, and so left the frozen numbers too. */
  frozenRemoved: boolean;
  message: string;
}

export function parsePurgeBody(body: unknown, slug: string): PurgeRequest {
  const input = (body ?? {}) as { dryRun?: unknown; confirm?: unknown };
  if (typeof input !== 'object' || Array.isArray(input)) throw new InvalidInputError('invalid_purge', 'Send a JSON object: {"dryRun": true} or {"confirm": "<campaign slug>"}.');
  const dryRun = input.dryRun === true || input.dryRun === 'true';
  if (!dryRun && input.confirm !== slug) {
    throw new InvalidInputError(
      'confirm_purge',
      `Purging deletes every name, city and file of campaign "${slug}" for good (the totals stay). Send {"confirm": "${slug}"} to go ahead, or {"dryRun": true} to see what would go.`,
    );
  }
  return { dryRun };
}

export function parseEraseBody(body: unknown): EraseRequest {
  const input = (body ?? {}) as Record<string, unknown>;
  const text = (field: string): string | null => {
    const value = input[field];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw new InvalidInputError('invalid_erase', `"${field}" must be text.`);
    return value.trim() || null;
  };
  const request: EraseRequest = {
    dryRun: input.dryRun === true || input.dryRun === 'true',
    email: text('email'),
    name: text('name'),
    country: text('country'),
    postcode: text('postcode'),
    city: text('city'),
  };
  if (request.email && !normaliseEmail(request.email)) {
    throw new InvalidInputError('invalid_erase', 'That e-mail address is not well formed; send it as the person gave it, e.g. "jan@example.org".');
  }
  const byName = request.name && displayName(request.name) && request.country && (request.postcode || request.city);
  if (!request.email && !byName) {
    throw new InvalidInputError(
      'invalid_erase',
      'Say who to erase: {"email": "…"}, or {"name": "…", "country": "NL", "postcode": "…"} (or "city" instead of "postcode") as the person signed.',
    );
  }
  return request;
}
