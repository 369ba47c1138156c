// Dedupe key derivation, exactly as docs/design.md "Dedupe keys" defines it.
// A signer is one key per campaign, so any change here changes who counts as the same person:
// existing keys in the database would no longer match new uploads. Treat edits as a migration.
import { createHmac } from 'node:crypto';
import { domainToASCII } from 'node:url';
import isEmail from 'validator/lib/isEmail';

// Characters that are invisible but make two visually identical names compare unequal
// (and can be abused to reorder text on a printed page): bidi controls, ZWSP and BOM/ZWNBSP.
// ZWJ/ZWNJ (U+200D/U+200C) are deliberately kept: they change the spelling of Persian,
// Indic and emoji text.
const INVISIBLE = /[\u200B\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
const CONTROL = /\p{Cc}/gu;
const WHITESPACE_RUN = /\s+/gu;

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function normaliseEmail(raw: string): string | null {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return null;

  let local = email.slice(0, at);
  // domainToASCII does the IDNA (UTS #46) mapping and returns '' for a domain it cannot encode.
  let domain = domainToASCII(email.slice(at + 1));
  if (domain === '') return null;

  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);

  // Gmail ignores dots in the local part and treats googlemail.com as the same mailbox,
  // so the same person often signs as j.doe@ and jdoe@.
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }

  const normalised = `${local}@${domain}`;
  return isEmail(normalised, { allow_utf8_local_part: true }) ? normalised : null;
}

export function displayName(raw: string): string {
  // Invisible characters go first: U+FEFF counts as whitespace in JS regexps, and inside a
  // word it must vanish, not split the word. Whitespace is collapsed before controls are
  // removed so that a tab or newline between two words stays a space.
  return raw
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(WHITESPACE_RUN, ' ')
    .replace(CONTROL, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

// JavaScript has no full Unicode case folding (CaseFolding.txt). Upper-casing then
// lower-casing approximates it well enough for names and cities: it maps ß→ss (via SS),
// which plain toLowerCase() does not. JS lower-cases a word-final Σ to ς
// (context-sensitive), whereas case folding maps every sigma to σ, hence the explicit replace.
// The final NFKC keeps the result stable when upper-casing produced a decomposed sequence
// (e.g. ǰ → J + U+030C), so caseFold(caseFold(s)) === caseFold(s).
export function caseFold(s: string): string {
  return s.normalize('NFKC').toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFKC');
}

// \p{Pd} covers every dash, including the full-width and Unicode hyphens NFKC leaves alone.
export function normalisePostcode(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .toUpperCase()
    .replace(/[\s\p{Pd}]/gu, '');
}

export function normaliseCity(raw: string): string {
  return caseFold(displayName(raw));
}

export interface DedupeKeyInput {
  email?: string | null;
  name: string;
  /** ISO 3166-1 alpha-2, upper-case, as returned by resolveCountry. */
  country: string;
  postcode?: string | null;
  city?: string | null;
}

/**
 * Returns null when the row cannot identify a person: no valid e-mail and either no
 * postcode/city or no name. A name-only key would merge every nameless signer in a town,
 * so an empty name is treated as unidentifiable rather than as an empty key part.
 */
export function dedupeKey(input: DedupeKeyInput): string | null {
  const email = input.email ? normaliseEmail(input.email) : null;
  if (email !== null) return `e:${email}`;

  const name = caseFold(displayName(input.name ?? ''));
  if (name === '') return null;

  const postcode = input.postcode ? normalisePostcode(input.postcode) : '';
  const place = postcode !== '' ? postcode : input.city ? normaliseCity(input.city) : '';
  if (place === '') return null;

  // '|' cannot make two keys collide: the name is case-folded (no A-Z) and the country is
  // always two upper-case letters, so the first "|XX|" is unambiguously the country.
  return `n:${name}|${input.country}|${place}`;
}

/** The only form in which a key is stored (invariant 5: raw e-mails are never stored). */
export function hashDedupeKey(secret: Buffer, key: string): Buffer {
  return createHmac('sha256', secret).update(key, 'utf8').digest();
}
