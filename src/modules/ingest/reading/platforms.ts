// The platforms sections export their signatures from, and the column names of those exports.
// Sources: each platform's export documentation, API field names and open-source clients (docs/design.md
// "Ingest"). The names go into the header aliases (header-mapping.ts); the marks name the platform in the
// preview ("looks like an Engaging Networks export"), which is information only and never changes a mapping.
import type { CanonicalField } from './header-mapping';
import { normaliseHeader } from './header-text';

export interface PlatformFormat {
  name: string;
  /** Column names its exports use, by the field they hold; matched like every other alias. */
  columns: Partial<Record<CanonicalField, string[]>>;
  /** Headers that, together, only this platform writes. */
  marks: string[];
  /** How many marks a header row needs to be called this platform's export. */
  marksNeeded: number;
}

export const PLATFORM_FORMATS: PlatformFormat[] = [
  {
    // People and report CSVs: plain names for core fields, `can2_*` for the rest.
    name: 'Action Network',
    columns: {
      first_name: ['first_name'],
      last_name: ['last_name'],
      email: ['email'],
      postcode: ['zip_code'],
      city: ['can2_user_city'],
      // Its county column comes first in some reports; the state is the region routing rules use.
      region: ['can2_state_abbreviated'],
      country: ['can2_country'],
      signed_at: ['created_date'],
      external_id: ['uuid'],
    },
    marks: ['can2_user_city', 'can2_state_abbreviated', 'can2_country', 'can2_county', 'can2_user_address', 'can2_phone', 'can2_subscription_date', 'can2_user_tags'],
    marksNeeded: 1,
  },
  {
    // core_user columns as reports and the user export write them.
    name: 'ActionKit',
    columns: {
      first_name: ['first_name'],
      last_name: ['last_name'],
      email: ['email'],
      postcode: ['zip', 'postal'],
      city: ['city'],
      region: ['state', 'region'],
      country: ['country'],
      signed_at: ['created_at'],
      external_id: ['user_id'],
    },
    marks: ['user_id', 'action_id', 'page_id', 'plus4', 'rand_id', 'lang_id', 'akid'],
    marksNeeded: 2,
  },
  {
    // Data exports (column titles) and the ENS API (camelCase field names).
    name: 'Engaging Networks',
    columns: {
      first_name: ['First Name', 'firstName'],
      last_name: ['Last Name', 'lastName'],
      email: ['Supporter Email', 'Email Address', 'emailAddress'],
      postcode: ['Postcode'],
      city: ['City'],
      region: ['Region'],
      country: ['Country'],
      signed_at: ['Campaign Date', 'createdOn'],
      external_id: ['Supporter ID', 'supporterId'],
    },
    marks: ['Supporter ID', 'Supporter Email', 'Campaign ID', 'Campaign Type', 'Campaign Date', 'Campaign Time', 'Campaign Status', 'Campaign Data 1'],
    marksNeeded: 2,
  },
  {
    // Contact reports (field labels) and Data Loader / API exports (field names); NPSP adds npe01__ emails.
    name: 'Salesforce',
    columns: {
      first_name: ['First Name', 'FirstName'],
      last_name: ['Last Name', 'LastName'],
      email: ['Email', 'npe01__HomeEmail__c', 'npe01__WorkEmail__c', 'npe01__AlternateEmail__c'],
      postcode: ['Mailing Zip/Postal Code', 'MailingPostalCode', 'Mailing Postal Code'],
      city: ['Mailing City', 'MailingCity'],
      region: ['Mailing State/Province', 'MailingState', 'Mailing State'],
      country: ['Mailing Country', 'MailingCountry', 'Mailing Country Code', 'MailingCountryCode'],
      signed_at: ['Created Date', 'CreatedDate'],
      external_id: ['Contact ID'],
    },
    marks: ['Mailing Street', 'Mailing City', 'Mailing State/Province', 'Mailing Zip/Postal Code', 'Mailing Country', 'MailingStreet', 'MailingCity', 'MailingPostalCode', 'MailingCountry', 'npe01__HomeEmail__c', 'npe01__Preferred_Email__c', 'Account Name', 'Created Date', 'CreatedDate'],
    marksNeeded: 2,
  },
  {
    // Export of contacts (field titles) and API4 / SearchKit names; a petition signature is an activity.
    name: 'CiviCRM',
    columns: {
      full_name: ['Display Name', 'display_name'],
      first_name: ['First Name', 'first_name'],
      last_name: ['Last Name', 'last_name'],
      email: ['Email', 'email_primary.email'],
      postcode: ['Postal Code', 'postal_code'],
      city: ['City'],
      region: ['State', 'State/Province', 'state_province', 'state_province_name'],
      country: ['Country', 'country_name'],
      signed_at: ['Activity Date', 'activity_date_time', 'Activity Date Time'],
      external_id: ['Contact ID', 'contact_id'],
    },
    marks: ['Display Name', 'Sort Name', 'Contact Type', 'Contact Subtype', 'Individual Prefix', 'Individual Suffix', 'state_province', 'activity_date_time', 'Activity Date', 'Activity Type', 'Do Not Email', 'Is Opt Out'],
    marksNeeded: 2,
  },
  {
    // Audience export: merge-field titles, then upper-case system columns. OPTIN_TIME is when the person
    // signed up; CC and REGION are the country code and region of the signup.
    name: 'Mailchimp',
    columns: {
      first_name: ['First Name'],
      last_name: ['Last Name'],
      email: ['Email Address'],
      region: ['REGION'],
      country: ['CC'],
      signed_at: ['OPTIN_TIME'],
    },
    marks: ['MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'GMTOFF', 'DSTOFF', 'LEID', 'EUID', 'LAST_CHANGED'],
    marksNeeded: 2,
  },
  {
    // NGP VAN / EveryAction list exports: short column titles.
    name: 'EveryAction',
    columns: {
      first_name: ['First', 'FirstName'],
      last_name: ['Last', 'LastName'],
      email: ['Preferred Email', 'PreferredEmail'],
      postcode: ['Zip5', 'Zip/Postal'],
      city: ['City'],
      region: ['State'],
      signed_at: ['Date Created', 'DateCreated', 'Date Submitted'],
      external_id: ['VANID', 'VAN ID'],
    },
    marks: ['VANID', 'VAN ID', 'Zip5', 'Zip4', 'Mid', 'Preferred Email', 'PreferredEmail', 'Date Created', 'DateCreated', 'Date Submitted'],
    marksNeeded: 2,
  },
  {
    // A petition starter's signature download.
    name: 'Change.org',
    columns: {
      full_name: ['Name'],
      email: ['Email'],
      postcode: ['Postal Code', 'postal_code'],
      city: ['City'],
      region: ['State'],
      country: ['Country Code', 'country_code'],
      signed_at: ['Signed On', 'signed_on'],
    },
    marks: ['Signed On', 'signed_on', 'Petition ID', 'Petition Title', 'Reason for Signing'],
    marksNeeded: 2,
  },
  {
    // proca.app supporter export: camelCase, contactRef is the supporter's stable reference.
    name: 'Proca',
    columns: {
      first_name: ['firstName'],
      last_name: ['lastName'],
      email: ['email'],
      postcode: ['postcode'],
      city: ['locality'],
      region: ['region'],
      country: ['country'],
      signed_at: ['createdAt'],
      external_id: ['contactRef'],
    },
    marks: ['contactRef', 'actionPageId', 'actionPage', 'actionId', 'campaignName', 'orgName'],
    marksNeeded: 2,
  },
  {
    // Responses sheet or CSV download: a timestamp first (titled in the form owner's language), then the questions.
    name: 'Google Forms',
    columns: {
      email: ['Email Address', 'Email address'],
      signed_at: ['Timestamp', 'Tijdstempel', 'Zeitstempel', 'Horodateur', 'Marca temporal', 'Carimbo de data/hora', 'Zaman damgası', '时间戳记', '時間戳記'],
    },
    marks: ['Timestamp', 'Tijdstempel', 'Zeitstempel', 'Horodateur', 'Marca temporal', 'Carimbo de data/hora', 'Zaman damgası', '时间戳记', '時間戳記'],
    marksNeeded: 1,
  },
  {
    // Responses export: one column per question title, then Typeform's own columns.
    name: 'Typeform',
    columns: {
      signed_at: ['Submit Date (UTC)', 'Submit Date'],
    },
    marks: ['Submit Date (UTC)', 'Start Date (UTC)', 'Network ID'],
    marksNeeded: 1,
  },
];

const MARKS = PLATFORM_FORMATS.map((platform) => ({ ...platform, marks: new Set(platform.marks.map(normaliseHeader)) }));

/**
 * The platform whose export the header row looks like, or null: when no platform has enough of its marks, or
 * two have as many (a sheet a volunteer typed has none).
 */
export function detectPlatform(headers: string[]): string | null {
  const present = new Set(headers.map(normaliseHeader));
  const scored = MARKS.map((platform) => ({ platform, score: [...platform.marks].filter((mark) => present.has(mark)).length }))
    .filter(({ platform, score }) => score >= platform.marksNeeded)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0 || (scored.length > 1 && scored[1].score === scored[0].score)) return null;
  return scored[0].platform.name;
}
