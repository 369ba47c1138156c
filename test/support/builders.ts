import { stringify } from 'csv-stringify/sync';
import { CampaignDefinition } from '../../src/modules/campaigns/campaign-definition';

/**
 * A small campaign: sections NL, DE and FR, one delivery point per host country, plus a Sydney consulate for
 * NSW to exercise region routing. Override anything per test.
 */
export function campaignDefinition(overrides: Partial<CampaignDefinition> = {}): CampaignDefinition {
  const point = (code: string, hostCountry: string, city: string) => ({
    code,
    kind: 'embassy' as const,
    hostCountry,
    city,
    address: `Embassy Street 1, ${city}`,
    addressee: 'The Ambassador',
    language: 'en',
  });
  return {
    slug: 'test-campaign',
    title: 'Stop the persecution',
    targetGovernment: 'Russian Federation',
    targetCountry: 'RU',
    goal: 1000,
    timezone: 'Europe/Amsterdam',
    defaultDeliveryPoint: 'HAGUE',
    petitions: [{ code: 'EN', language: 'en', title: 'Stop it', addressees: ['The President'], body: 'We call on you…' }],
    sections: [
      { code: 'NL', name: 'Netherlands', country: 'NL', petition: 'EN', defaultDeliveryPoint: 'HAGUE' },
      { code: 'DE', name: 'Germany', country: 'DE', petition: 'EN', defaultDeliveryPoint: 'BERLIN' },
      { code: 'FR', name: 'France', country: 'FR', petition: 'EN' },
    ],
    deliveryPoints: [point('HAGUE', 'NL', 'The Hague'), point('BERLIN', 'DE', 'Berlin'), point('PARIS', 'FR', 'Paris'), point('SYDNEY', 'AU', 'Sydney'), point('CANBERRA', 'AU', 'Canberra')],
    routing: [
      { country: 'FR', deliveryPoint: 'PARIS' },
      { country: 'AU', deliveryPoint: 'CANBERRA' },
      { country: 'AU', region: 'NSW', deliveryPoint: 'SYDNEY' },
    ],
    ...overrides,
  } as CampaignDefinition;
}

export interface SignerRow {
  first?: string;
  last?: string;
  name?: string;
  email?: string;
  country?: string;
  region?: string;
  postcode?: string;
  city?: string;
  signed?: string;
  consent?: string;
}

/** A CSV export with English headers (only the columns the rows use). */
export function csv(rows: SignerRow[], delimiter = ','): string {
  const columns: [keyof SignerRow, string][] = [
    ['first', 'First name'],
    ['last', 'Last name'],
    ['name', 'Full name'],
    ['email', 'Email'],
    ['country', 'Country'],
    ['region', 'Region'],
    ['postcode', 'Postcode'],
    ['city', 'City'],
    ['signed', 'Signed at'],
    ['consent', 'Consent'],
  ];
  const used = columns.filter(([key]) => rows.some((r) => r[key] !== undefined));
  return stringify([used.map(([, header]) => header), ...rows.map((r) => used.map(([key]) => r[key] ?? ''))], { delimiter });
}

/** `n` distinct people, e-mail `<prefix><i>@example.org`, signing on consecutive minutes from `start`. */
export function people(n: number, prefix: string, start = '2017-05-01T10:00:00Z', extra: Partial<SignerRow> = {}): SignerRow[] {
  const t0 = Date.parse(start);
  return Array.from({ length: n }, (_, i) => ({
    first: `First${i}`,
    last: `${prefix}${i}`,
    email: `${prefix}${i}@example.org`,
    signed: new Date(t0 + i * 60000).toISOString(),
    ...extra,
  }));
}
