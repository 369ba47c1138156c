import * as countries from 'i18n-iso-countries';
import { createHash } from 'node:crypto';
import { CampaignDefinition } from '../campaigns/campaign-definition';

/**
 * What a pack is made of, as a short key: the freeze it shows (or a fingerprint of its delivery point's live
 * signers and tallies) plus a digest of the campaign definition (texts, addresses, withheld countries).
 * Two requests for the same source get the same pack; a pack whose source is no longer current is stale.
 */
export function packSource(definition: CampaignDefinition, frozenAt: Date | null, liveFingerprint: string | undefined): string {
  const digest = shortHash(JSON.stringify(definition));
  return frozenAt ? `frozen-${frozenAt.getTime()}-${digest}` : `live-${shortHash(liveFingerprint ?? 'empty')}-${digest}`;
}

export function isFrozenSource(source: string): boolean {
  return source.startsWith('frozen-');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const ALL_COUNTRY_CODES = Object.keys(countries.getAlpha2Codes());

/** Every country code, ordered by the country's name in `language`, as a reader of that language expects. */
export function countryOrder(language: string): string[] {
  const names = new Intl.DisplayNames([language, 'en'], { type: 'region' });
  const collator = new Intl.Collator(language);
  const named = ALL_COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code }));
  return named.sort((a, b) => collator.compare(a.name, b.name)).map((c) => c.code);
}
