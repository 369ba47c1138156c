import { z } from 'zod';
import { InvalidInputError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { isKnownCountryCode } from '../../domain/country';
import { DELIVERY_POINT_KINDS } from './delivery-point.entity';

/** The `campaign.json` document (docs/design.md "Vocabulary"). Plain data, validated before anything is written. */

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code in capitals, e.g. "NL"')
  .refine(isKnownCountryCode, 'is not a country: use an ISO 3166 alpha-2 code, e.g. "NL"');
const code = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "-" and "_"');
const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. "2017-06-02T11:00:00+02:00"' });
const isTimezone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

// Host countries that print on US Letter; every other host country uses A4.
export const LETTER_COUNTRIES = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE', 'GT', 'DO', 'CR', 'PA', 'SV', 'NI', 'HN', 'PR', 'BZ']);

/**
 * How large a campaign document may be (validated config). A real campaign has some 40 sections and a few dozen
 * embassies; the defaults are far above that and keep one import one quick transaction (a document with 100,000
 * sections used to run for minutes and then fail inside the database driver).
 */
export type CampaignLimits = Pick<
  AppConfig,
  'maxCampaignPetitions' | 'maxCampaignSections' | 'maxCampaignDeliveryPoints' | 'maxCampaignRoutingRules' | 'maxCampaignTextChars' | 'maxPetitionTextChars'
>;

const at = (chars: number) => `must be at most ${chars} characters`;
/** Names the setting too: a campaign that really needs more asks its operator to raise it. */
const atMost = (count: number, what: string, setting: string) => `may list at most ${count} ${what} (${setting})`;

/** The document's schema under the deployment's limits. */
function campaignDefinitionSchema(limits: CampaignLimits) {
  /** A line of text a person wrote: a title, a name, an address. */
  const text = z.string().min(1).max(limits.maxCampaignTextChars, at(limits.maxCampaignTextChars));
  const deliveryPoint = z.object({
    code,
    kind: z.enum(DELIVERY_POINT_KINDS),
    hostCountry: countryCode,
    city: text,
    address: text,
    addressee: text,
    handInAt: instant.optional(),
    language: z.string().min(2).default('en'),
    paperSize: z.enum(['A4', 'Letter']).optional(),
  });

  return z
    .object({
      slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and "-", e.g. "chechnya-2017"'),
      title: text,
      targetGovernment: text,
      targetCountry: countryCode.optional(),
      goal: z.number().int().nonnegative(),
      opensAt: instant.optional(),
      closesAt: instant.optional(),
      dayOfAction: z.string().date('must be a date like "2017-06-02"').optional(),
      timezone: z.string().refine(isTimezone, 'must be an IANA time zone, e.g. "Europe/Amsterdam"'),
      defaultDeliveryPoint: code,
      withheldCountries: z.array(countryCode).optional(),
      petitions: z
        .array(
          z.object({
            code,
            language: z.string().min(2),
            title: text,
            addressees: z.array(text).max(100).default([]),
            body: z.string().min(1).max(limits.maxPetitionTextChars, at(limits.maxPetitionTextChars)),
          }),
        )
        .min(1)
        .max(limits.maxCampaignPetitions, atMost(limits.maxCampaignPetitions, 'petitions', 'MAX_CAMPAIGN_PETITIONS')),
      sections: z
        .array(z.object({ code, name: text, country: countryCode, petition: code, defaultDeliveryPoint: code.optional() }))
        .min(1)
        .max(limits.maxCampaignSections, atMost(limits.maxCampaignSections, 'sections', 'MAX_CAMPAIGN_SECTIONS')),
      deliveryPoints: z
        .array(deliveryPoint)
        .min(1)
        .max(limits.maxCampaignDeliveryPoints, atMost(limits.maxCampaignDeliveryPoints, 'delivery points', 'MAX_CAMPAIGN_DELIVERY_POINTS')),
      routing: z
        .array(z.object({ country: countryCode, region: z.string().trim().min(1).max(limits.maxCampaignTextChars).optional(), deliveryPoint: code }))
        .max(limits.maxCampaignRoutingRules, atMost(limits.maxCampaignRoutingRules, 'routing rules', 'MAX_CAMPAIGN_ROUTING_RULES'))
        .default([]),
    })
    .superRefine((doc, ctx) => {
      const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
      const duplicates = (items: { code: string }[], field: string) =>
        items.forEach((item, i) => {
          if (items.findIndex((other) => other.code === item.code) !== i) problem([field, i, 'code'], `duplicate code "${item.code}"`);
        });
      duplicates(doc.petitions, 'petitions');
      duplicates(doc.sections, 'sections');
      duplicates(doc.deliveryPoints, 'deliveryPoints');

      const petitions = new Set(doc.petitions.map((p) => p.code));
      const points = new Set(doc.deliveryPoints.map((d) => d.code));
      const knownPoint = (value: string | undefined, path: (string | number)[]) => {
        if (value !== undefined && !points.has(value)) problem(path, `unknown delivery point "${value}" (define it in deliveryPoints)`);
      };
      knownPoint(doc.defaultDeliveryPoint, ['defaultDeliveryPoint']);
      doc.sections.forEach((s, i) => {
        if (!petitions.has(s.petition)) problem(['sections', i, 'petition'], `unknown petition "${s.petition}" (define it in petitions)`);
        knownPoint(s.defaultDeliveryPoint, ['sections', i, 'defaultDeliveryPoint']);
      });
      const seenRules = new Set<string>();
      doc.routing.forEach((r, i) => {
        knownPoint(r.deliveryPoint, ['routing', i, 'deliveryPoint']);
        const key = `${r.country}|${(r.region ?? '').toLowerCase()}`;
        if (seenRules.has(key)) problem(['routing', i], `a second rule for ${r.country}${r.region ? `/${r.region}` : ''}`);
        seenRules.add(key);
      });
      if (doc.opensAt && doc.closesAt && doc.opensAt > doc.closesAt) problem(['closesAt'], 'must not be before opensAt');
    });
}

export type CampaignDefinition = z.infer<ReturnType<typeof campaignDefinitionSchema>>;

/** Validates a campaign document, naming every offending field at once. */
export function parseCampaignDefinition(document: unknown, limits: CampaignLimits): CampaignDefinition {
  const result = campaignDefinitionSchema(limits).safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
    throw new InvalidInputError('invalid_campaign', `The campaign definition has ${problems.length} problem(s): ${problems.join('; ')}`);
  }
  return result.data;
}

/** Paper size of a delivery point: explicit, else by host country. */
export function paperSizeFor(hostCountry: string, explicit?: 'A4' | 'Letter'): 'A4' | 'Letter' {
  return explicit ?? (LETTER_COUNTRIES.has(hostCountry) ? 'Letter' : 'A4');
}

/** The UTC offset an ISO 8601 date-time was written with: `+02:00` of `2017-06-02T11:00:00+02:00`, `+00:00` for `Z`. */
export function utcOffsetOf(isoDateTime: string): string {
  const match = /([+-]\d{2}):?(\d{2})$/.exec(isoDateTime);
  return match ? `${match[1]}:${match[2]}` : '+00:00';
}

/** A moment written in the given UTC offset, as the campaign lead wrote it: `2017-06-02T11:00:00+02:00`. */
export function isoWithOffset(moment: Date, offset: string): string {
  const [, sign, hours, minutes] = /^([+-])(\d{2}):(\d{2})$/.exec(offset)!;
  const shift = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
  return `${new Date(moment.getTime() + shift).toISOString().slice(0, 19)}${offset}`;
}
