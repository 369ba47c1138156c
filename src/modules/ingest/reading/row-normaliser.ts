import { Router } from '../../../domain/routing';
import { dedupeKey, displayName, hashDedupeKey } from '../../../domain/dedupe-keys';
import { resolveCountry } from '../../../domain/country';
import { CanonicalField } from './header-mapping';
import { parseSignedAt } from './signed-at';

/** Every way a row can be refused; each is a named reason in the rejection report (docs/design.md "Ingest"). */
export const REJECTION_REASONS = {
  missing_name: 'no name (fill in a full name, or first and last name)',
  name_too_long: 'name longer than 200 characters',
  name_without_letter: 'name contains no letter',
  invalid_email: 'e-mail address is not well formed',
  unknown_country: 'country not recognised (use a country name or ISO code, or leave it empty for the section country)',
  invalid_signed_at: 'signing date not readable (use ISO 8601 like 2017-05-30 or send dateFormat)',
  signed_at_in_future: 'signing date is more than one day in the future',
  unidentifiable: 'neither an e-mail address nor a postcode or city to tell this person apart',
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

export interface RowRules {
  columns: Partial<Record<CanonicalField, number>>;
  sectionCountry: string;
  sectionDeliveryPoint: string | null;
  route: Router;
  hmacSecret: Buffer;
  timezone: string;
  /** luxon format for `signed_at`, from the batch's dateFormat. */
  dateFormat: string | null;
  uploadedAt: Date;
}

export interface AcceptedRow {
  signerKey: Buffer;
  displayName: string;
  city: string | null;
  region: string | null;
  country: string;
  signedAt: Date;
  consent: boolean;
  deliveryPoint: string;
  externalId: string | null;
}

const MAX_NAME_LENGTH = 200;
const ONE_DAY_MS = 24 * 3600 * 1000;
// Answers to "may we show your name?" across the languages of the exports; anything else means no.
const CONSENT_YES = new Set(['yes', 'y', 'true', '1', 'x', 'ja', 'j', 'oui', 'o', 'si', 'sí', 'sim', 'evet', 'e', '是', '同意', 'agree', 'agreed', 'opt-in', 'optin', '✓', '✔']);

/** Validates and normalises one data row. Pure: the same row and rules always give the same answer. */
export function normaliseRow(values: string[], rules: RowRules): AcceptedRow | RejectionReason {
  const field = (name: CanonicalField): string => {
    const index = rules.columns[name];
    return index === undefined ? '' : (values[index] ?? '').trim();
  };

  const name = displayName(field('full_name') || `${field('first_name')} ${field('last_name')}`);
  if (!name) return 'missing_name';
  if (name.length > MAX_NAME_LENGTH) return 'name_too_long';
  if (!/\p{L}/u.test(name)) return 'name_without_letter';

  const rawCountry = field('country');
  const country = rawCountry ? resolveCountry(rawCountry) : rules.sectionCountry;
  if (!country) return 'unknown_country';

  const rawSignedAt = field('signed_at');
  const signedAt = rawSignedAt ? parseSignedAt(rawSignedAt, rules.timezone, rules.dateFormat) : rules.uploadedAt;
  if (!signedAt) return 'invalid_signed_at';
  if (signedAt.getTime() > rules.uploadedAt.getTime() + ONE_DAY_MS) return 'signed_at_in_future';

  const email = field('email');
  const city = field('city');
  const key = dedupeKey({ email, name, country, postcode: field('postcode'), city });
  if (email && !key?.startsWith('e:')) return 'invalid_email';
  if (!key) return 'unidentifiable';

  const region = field('region') || null;
  return {
    signerKey: hashDedupeKey(rules.hmacSecret, key),
    displayName: name,
    city: city ? displayName(city) : null,
    region,
    country,
    signedAt,
    // Without a consent column the export holds only people who agreed to have their name handed in.
    consent: rules.columns.consent === undefined || CONSENT_YES.has(field('consent').toLowerCase()),
    deliveryPoint: rules.route(country, region, rules.sectionDeliveryPoint),
    externalId: field('external_id') || null,
  };
}
