import { CANONICAL_FIELDS, CanonicalField, HEADER_ALIASES, mapHeaders, matchByWords } from '../../src/modules/ingest/reading/header-mapping';
import { normaliseHeader } from '../../src/modules/ingest/reading/header-text';
import { detectPlatform, PLATFORM_FORMATS } from '../../src/modules/ingest/reading/platforms';

const fieldsOf = (headers: string[]) => {
  const { columns } = mapHeaders(headers);
  return Object.fromEntries(Object.entries(columns).map(([field, i]) => [field, headers[i!]]));
};

describe('platform column names', () => {
  it('never give one normalised name two fields, with each other or with the language aliases', () => {
    const fieldOf = new Map<string, string>();
    const clashes: string[] = [];
    const add = (alias: string, field: CanonicalField, where: string) => {
      const key = normaliseHeader(alias);
      const other = fieldOf.get(key);
      if (other !== undefined && other.split(' ')[0] !== field) clashes.push(`${alias} (${where}): ${other} and ${field}`);
      fieldOf.set(key, `${field} (${where})`);
    };
    for (const field of CANONICAL_FIELDS) for (const alias of HEADER_ALIASES[field]) add(alias, field, 'aliases');
    for (const platform of PLATFORM_FORMATS) {
      for (const [field, aliases] of Object.entries(platform.columns) as [CanonicalField, string[]][]) for (const alias of aliases) add(alias, field, platform.name);
    }
    expect(clashes).toEqual([]);
  });

  it('each map to their field', () => {
    const companion: Partial<Record<CanonicalField, string>> = { first_name: 'Last name', last_name: 'First name' };
    const wrong: string[] = [];
    for (const platform of PLATFORM_FORMATS) {
      for (const [field, aliases] of Object.entries(platform.columns) as [CanonicalField, string[]][]) {
        for (const alias of aliases) {
          const headers = companion[field] ? [alias, companion[field]!] : [alias];
          if (mapHeaders(headers).columns[field] !== 0) wrong.push(`${platform.name} ${field}: ${alias}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('headers read word by word', () => {
  it('reads a known field name after an unknown prefix', () => {
    expect(matchByWords('xyz_email')).toBe('email');
    expect(matchByWords('Supporter Email')).toBe('email');
    expect(matchByWords('Home City')).toBe('city');
    expect(matchByWords('can2_zip_code')).toBe('postcode');
    expect(matchByWords('BillingStreetCountry')).toBeUndefined(); // "billing" is someone's payment, not where they live
    expect(matchByWords('residenceCountry')).toBe('country');
    expect(matchByWords('Signup Date')).toBe('signed_at');
    expect(fieldsOf(['Naam', 'xyz_email', 'Mailing City'])).toEqual({ full_name: 'Naam', email: 'xyz_email', city: 'Mailing City' });
  });

  it('reads form questions in several languages', () => {
    expect(matchByWords('What is your email address?')).toBe('email');
    expect(matchByWords("What's your name?")).toBe('full_name');
    expect(matchByWords('What is your first name?')).toBe('first_name');
    expect(matchByWords('What is your last name?')).toBe('last_name');
    expect(matchByWords('Which country do you live in?')).toBe('country');
    expect(matchByWords('In which city do you live?')).toBe('city');
    expect(matchByWords('Your postcode (required)')).toBe('postcode');
    expect(matchByWords('Wat is je e-mailadres?')).toBe('email');
    expect(matchByWords('Quel est votre code postal ?')).toBe('postcode');
    expect(matchByWords('Wie ist Ihre E-Mail-Adresse?')).toBe('email');
    expect(matchByWords('¿Cuál es tu correo electrónico?')).toBe('email');
    expect(matchByWords('Qual é o seu e-mail?')).toBe('email');
    expect(matchByWords('In welchem Land wohnen Sie?')).toBe('country');
  });

  it('leaves headers about something other than the signer alone', () => {
    for (const header of ['Date of birth', 'Referrer email', 'Email opt-in', 'OPTIN_IP', 'Other Country', 'Last Activity Date', 'Donation Date', 'Start Date (UTC)', 'Email Subscription Status']) {
      expect([header, matchByWords(header)]).toEqual([header, undefined]);
    }
  });

  it('reads names, ids and consent only when the whole header names them', () => {
    for (const header of ['Campaign Name', 'Organisation name', 'user_name', 'Page ID', 'Transaction ID', 'Marketing consent']) {
      expect([header, matchByWords(header)]).toEqual([header, undefined]);
    }
  });

  it('lets an exact alias win over a header read word by word, wherever it stands', () => {
    expect(fieldsOf(['xyz_email', 'Email', 'Full name'])).toEqual({ email: 'Email', full_name: 'Full name' });
    expect(mapHeaders(['Full name', 'Email', 'xyz_email', 'Favourite colour']).unknownHeaders).toEqual(['Favourite colour']);
  });
});

describe('each platform export maps as a section would need it', () => {
  const cases: [string, string[], Record<string, string>][] = [
    ['Action Network', ['uuid', 'first_name', 'last_name', 'email', 'zip_code', 'can2_user_city', 'can2_county', 'can2_state_abbreviated', 'can2_country', 'created_date', 'can2_phone'],
      { external_id: 'uuid', first_name: 'first_name', last_name: 'last_name', email: 'email', postcode: 'zip_code', city: 'can2_user_city', region: 'can2_state_abbreviated', country: 'can2_country', signed_at: 'created_date' }],
    ['ActionKit', ['user_id', 'email', 'first_name', 'last_name', 'address1', 'city', 'state', 'zip', 'plus4', 'country', 'created_at', 'action_id', 'page_id'],
      { external_id: 'user_id', email: 'email', first_name: 'first_name', last_name: 'last_name', city: 'city', region: 'state', postcode: 'zip', country: 'country', signed_at: 'created_at' }],
    ['Engaging Networks', ['Supporter ID', 'Supporter Email', 'First Name', 'Last Name', 'Address 1', 'City', 'Region', 'Postcode', 'Country', 'Campaign ID', 'Campaign Type', 'Campaign Date', 'Campaign Time'],
      { external_id: 'Supporter ID', email: 'Supporter Email', first_name: 'First Name', last_name: 'Last Name', city: 'City', region: 'Region', postcode: 'Postcode', country: 'Country', signed_at: 'Campaign Date' }],
    ['Salesforce', ['Contact ID', 'First Name', 'Last Name', 'Email', 'Mailing Street', 'Mailing City', 'Mailing State/Province', 'Mailing Zip/Postal Code', 'Mailing Country', 'Created Date', 'Account Name'],
      { external_id: 'Contact ID', first_name: 'First Name', last_name: 'Last Name', email: 'Email', city: 'Mailing City', region: 'Mailing State/Province', postcode: 'Mailing Zip/Postal Code', country: 'Mailing Country', signed_at: 'Created Date' }],
    ['CiviCRM', ['Contact ID', 'Contact Type', 'Display Name', 'Sort Name', 'Email', 'Street Address', 'City', 'Postal Code', 'State', 'Country', 'Activity Date'],
      { external_id: 'Contact ID', full_name: 'Display Name', email: 'Email', city: 'City', postcode: 'Postal Code', region: 'State', country: 'Country', signed_at: 'Activity Date' }],
    ['Mailchimp', ['Email Address', 'First Name', 'Last Name', 'Address', 'Phone Number', 'MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'LATITUDE', 'LONGITUDE', 'GMTOFF', 'DSTOFF', 'TIMEZONE', 'CC', 'REGION', 'LAST_CHANGED', 'LEID', 'EUID', 'NOTES'],
      { email: 'Email Address', first_name: 'First Name', last_name: 'Last Name', signed_at: 'OPTIN_TIME', country: 'CC', region: 'REGION' }],
    ['EveryAction', ['VANID', 'Last', 'First', 'Mid', 'Address', 'City', 'State', 'Zip5', 'Preferred Email', 'Date Created'],
      { external_id: 'VANID', last_name: 'Last', first_name: 'First', city: 'City', region: 'State', postcode: 'Zip5', email: 'Preferred Email', signed_at: 'Date Created' }],
    ['Change.org', ['Name', 'Email', 'City', 'State', 'Postal Code', 'Country Code', 'Signed On', 'Reason for Signing'],
      { full_name: 'Name', email: 'Email', city: 'City', region: 'State', postcode: 'Postal Code', country: 'Country Code', signed_at: 'Signed On' }],
    ['Proca', ['actionId', 'actionPageId', 'createdAt', 'contactRef', 'firstName', 'lastName', 'email', 'postcode', 'locality', 'country'],
      { signed_at: 'createdAt', external_id: 'contactRef', first_name: 'firstName', last_name: 'lastName', email: 'email', postcode: 'postcode', city: 'locality', country: 'country' }],
    ['Google Forms', ['Timestamp', 'Email Address', 'What is your name?', 'Which country do you live in?', 'Your postcode'],
      { signed_at: 'Timestamp', email: 'Email Address', full_name: 'What is your name?', country: 'Which country do you live in?', postcode: 'Your postcode' }],
    ['Typeform', ['#', "What's your first name?", "And your last name?", 'What is your email address?', 'In which city do you live?', 'Start Date (UTC)', 'Submit Date (UTC)', 'Network ID'],
      { first_name: "What's your first name?", last_name: 'And your last name?', email: 'What is your email address?', city: 'In which city do you live?', signed_at: 'Submit Date (UTC)' }],
  ];

  it.each(cases)('%s', (platform, headers, mapping) => {
    expect(fieldsOf(headers)).toEqual(mapping);
    expect(detectPlatform(headers)).toBe(platform);
  });

  it('names no platform for a sheet a volunteer typed, or for headers two platforms share', () => {
    expect(detectPlatform(['Naam', 'Email', 'Plaats', 'Datum'])).toBeNull();
    expect(detectPlatform(['First Name', 'Last Name', 'Email'])).toBeNull();
  });
});
