import { InvalidInputError } from '../../common/errors';
import { resolveCountry } from '../../domain/country';
import { dedupeKey, displayName, normaliseEmail } from '../../domain/dedupe-keys';
import { EraseRequest } from './privacy.dto';

/**
 * The dedupe keys (docs/design.md "Dedupe keys") under which a person who asks to be erased may have signed,
 * derived exactly as ingest derives them (row-normaliser.ts): `e:<email>` when an e-mail is given, and
 * `n:<name>|<country>|<postcode or city>` when a name, country and postcode or city are given. Both may be given,
 * for someone who signed online with an e-mail and on a form without one.
 */
export function erasureKeys(request: EraseRequest): string[] {
  const keys: string[] = [];
  if (request.email) keys.push(`e:${normaliseEmail(request.email)}`);
  if (request.name && request.country) {
    const country = resolveCountry(request.country);
    if (!country) throw new InvalidInputError('invalid_erase', `country "${request.country}" is not recognised; use a country name or ISO code like "NL".`);
    // No e-mail here: with one, ingest keys the row by the e-mail, which is the key above.
    const key = dedupeKey({ name: displayName(request.name), country, postcode: request.postcode, city: request.postcode ? null : request.city });
    if (!key) throw new InvalidInputError('invalid_erase', 'A name with letters and a postcode or city are needed to find a signer without an e-mail address.');
    keys.push(key);
  }
  return keys;
}

/** How the report names the person: as they identified themselves, so the lead can forward it to them. */
export function describePerson(request: EraseRequest): string {
  if (request.email && request.name) return `${displayName(request.name)} (${request.email})`;
  if (request.email) return request.email;
  return displayName(request.name ?? '');
}
