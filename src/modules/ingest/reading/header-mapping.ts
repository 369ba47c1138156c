// Maps the header row of a section's export onto Handin's canonical fields.
// Sections export from whatever CRM they use, in their own language, so matching is by
// alias after a normalisation that ignores case, accents, spacing and punctuation. The column names of the
// platforms sections export from are in platforms.ts. A header no alias spells out is then read word by word
// (matchByWords): platforms prefix their fields ("can2_country", "Mailing City") and forms ask questions
// ("What is your email address?").
import { headerWords, normaliseHeader } from './header-text';
import { PLATFORM_FORMATS } from './platforms';

export { normaliseHeader } from './header-text';

export const CANONICAL_FIELDS = [
  'first_name',
  'last_name',
  'full_name',
  'email',
  'country',
  'region',
  'postcode',
  'city',
  'signed_at',
  'consent',
  'external_id',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

// Ambiguous words, and the choice made for each:
// - French "nom" is the family name (forms pair it with "prénom"), so it is last_name.
// - Spanish "nombre" and Portuguese/Italian "nome" are the given name in CRM exports, which
//   pair them with "apellido(s)"/"sobrenome"; they are first_name.
// - English "name" and Dutch "naam" on their own are the whole name, so full_name.
// - Portuguese "apelido" is the surname in Portugal (a nickname in Brazil, where exports say
//   "sobrenome"), so last_name.
// - Turkish "ad" is the given name, "il" the province; "isim"/"soyisim" pair like ad/soyad.
// - Chinese 名字 is used for both the given name and the whole name; it is first_name here
//   and becomes full_name when it is the file's only name column (see resolveAmbiguousNames).
// - "data" (Portuguese/Italian) and "date" mean the signing date; "land" is Dutch/German country.
// - "estado" is a state (region) in Spanish/Portuguese exports, never a status column we read.
export const HEADER_ALIASES: Record<CanonicalField, string[]> = {
  first_name: [
    'first name', 'firstname', 'fname', 'given name', 'given names', 'forename', 'forenames',
    'voornaam', 'voornamen', 'roepnaam',
    'prénom', 'prénoms',
    'vorname', 'vornamen',
    'nombre', 'nombres', 'primer nombre',
    'nome', 'primeiro nome', 'nome próprio',
    'ad', 'adı', 'isim',
    '名', '名字',
  ],
  last_name: [
    'last name', 'lastname', 'lname', 'surname', 'family name',
    'achternaam', 'familienaam',
    'nom', 'nom de famille',
    'nachname', 'familienname', 'zuname',
    'apellido', 'apellidos',
    'sobrenome', 'apelido',
    'soyad', 'soyadı', 'soyisim',
    '姓', '姓氏',
  ],
  full_name: [
    'name', 'full name', 'fullname', 'your name', 'signer name', 'contact name',
    'naam', 'volledige naam',
    'nom complet', 'nom et prénom', 'prénom et nom', 'prénom nom', 'nom prénom',
    'vollständiger name', 'vor- und nachname',
    'nombre completo', 'nombre y apellido', 'nombre y apellidos', 'nombres y apellidos',
    'nome completo',
    'first and last name',
    'ad soyad', 'adı soyadı', 'ad soyadı', 'isim soyisim',
    '姓名', '全名',
  ],
  email: [
    'email', 'e-mail', 'mail', 'email address', 'e-mail address',
    'e-mailadres', 'emailadres',
    'courriel', 'adresse courriel', 'adresse e-mail', 'adresse mail',
    'e-mail-adresse', 'mailadresse',
    'correo', 'correo electrónico', 'correo-e',
    'correio eletrónico', 'correio eletrônico', 'endereço de e-mail',
    'e-posta', 'e-posta adresi',
    '电子邮件', '電子郵件', '邮箱', '郵箱', '电子邮箱', '電子信箱', '电邮', '電郵',
  ],
  country: [
    'country', 'country code',
    'land',
    'pays',
    'país',
    'ülke',
    '国家', '國家', '国家/地区', '國家/地區',
  ],
  region: [
    'region', 'state', 'province', 'county', 'state/province', 'canton',
    'provincie',
    'région',
    'bundesland', 'kanton',
    'provincia', 'estado', 'comunidad autónoma',
    'região', 'uf',
    'il',
    '省', '省份', '州', '地区', '地區',
  ],
  postcode: [
    'postcode', 'post code', 'postal code', 'zip', 'zip code', 'zipcode',
    'code postal', 'cp',
    'plz', 'postleitzahl',
    'código postal',
    'cep',
    'posta kodu',
    '邮编', '郵編', '邮政编码', '郵政編碼', '郵遞區號',
  ],
  city: [
    'city', 'town', 'locality', 'town/city',
    'plaats', 'woonplaats', 'stad',
    'ville', 'commune', 'localité',
    'stadt', 'ort', 'wohnort',
    'ciudad', 'localidad', 'municipio',
    'cidade', 'município', 'localidade',
    'şehir', 'sehir',
    '城市', '市',
  ],
  signed_at: [
    'signed at', 'signed', 'signed on', 'date', 'date signed', 'signature date',
    'created at', 'created', 'timestamp', 'submitted at', 'submission date',
    'datum', 'ondertekend op', 'datum ondertekening',
    'date de signature', 'signé le',
    'unterzeichnet am', 'unterschrieben am',
    'fecha', 'fecha de firma',
    'data', 'data de assinatura',
    'tarih', 'imza tarihi',
    '日期', '签名日期', '簽名日期', '时间', '時間',
  ],
  consent: [
    'consent', 'opt in', 'optin',
    'toestemming',
    'consentement',
    'einwilligung', 'zustimmung',
    'consentimiento',
    'consentimento',
    'izin', 'onay',
    '同意',
  ],
  external_id: ['id', 'external id', 'supporter id', 'contact id', 'record id', 'signature id'],
};

// First definition wins; test/unit/header-mapping.spec.ts and platform-header-mapping.spec.ts guarantee
// there is only one.
const FIELD_BY_ALIAS = new Map<string, CanonicalField>();
const addAlias = (alias: string, field: CanonicalField): void => {
  const key = normaliseHeader(alias);
  if (!FIELD_BY_ALIAS.has(key)) FIELD_BY_ALIAS.set(key, field);
};
for (const field of CANONICAL_FIELDS) {
  for (const alias of HEADER_ALIASES[field]) addAlias(alias, field);
}
for (const platform of PLATFORM_FORMATS) {
  for (const [field, aliases] of Object.entries(platform.columns) as [CanonicalField, string[]][]) {
    for (const alias of aliases) addAlias(alias, field);
  }
}

// Words around a field name in a form's question ("What is your e-mail address?", "In which city do you
// live?", "Votre code postal"), stripped from both ends before matching.
const QUESTION_WORDS = new Set([
  'what', 'whats', 's', 'is', 'are', 'your', 'you', 'and', 'please', 'enter', 'type', 'give', 'us', 'tell', 'which', 'in',
  'do', 'does', 'live', 'from', 'the', 'a', 'of', 'here', 'now', 'currently', 'required', 'optional',
  'wat', 'je', 'jouw', 'uw', 'welk', 'welke', 'woon', 'waar', 'verplicht',
  'quel', 'quelle', 'est', 'votre', 'ton', 'ta',
  'wie', 'ist', 'ihr', 'ihre', 'dein', 'deine', 'ihren', 'deinen', 'welchem', 'welcher', 'welche', 'wohnen', 'wohnst', 'sie', 'du',
  'cual', 'es', 'tu', 'su',
  // Not Portuguese "é"/"o": as words they would eat the "e" of "e-mail".
  'qual', 'seu', 'sua',
]);
// A header with one of these words is about something other than the signer's own field: "Date of birth",
// "Referrer email", "Email opt-in", "Last activity date", "Campaign date", "Other country". Read word by word it
// would match, so it is left to aliases and explicit mappings.
const NOT_THE_SIGNER = new Set([
  'birth', 'birthday', 'born', 'dob', 'modified', 'updated', 'changed', 'activity', 'login', 'visit', 'deleted', 'unsubscribed',
  'unsubscribe', 'bounced', 'opened', 'clicked', 'ip', 'opt', 'optin', 'optout', 'subscription', 'subscribed',
  'status', 'organisation', 'organization', 'company', 'employer', 'campaign', 'page', 'event', 'petition',
  'form', 'group', 'list', 'tag', 'tags', 'source', 'target', 'referrer', 'referer', 'referred', 'friend',
  'recruiter', 'other', 'alternate', 'secondary', 'previous', 'old', 'former', 'billing', 'shipping',
  'language', 'currency', 'amount', 'donation', 'payment', 'gift', 'start', 'end', 'due', 'expiry', 'sort',
]);
// Word by word, a known field name after an unknown prefix is read only for these fields. Names, ids and
// consent are too often someone else's ("Campaign name", "Page ID", "Marketing consent"): those need the
// whole header (question words aside) to be an alias.
const PREFIXABLE = new Set<CanonicalField>(['email', 'country', 'region', 'postcode', 'city', 'signed_at']);

/**
 * The field a header names when no alias spells it out: its words without question words, or their longest
 * tail that is an alias ("xyz_email", "Home city", "What is your email address?"). A suffix after the field
 * ("npe01__HomeEmail__c") is not read: platforms.ts lists such names.
 */
export function matchByWords(header: string): CanonicalField | undefined {
  let words = headerWords(header);
  if (words.some((word) => NOT_THE_SIGNER.has(word))) return undefined;
  while (words.length > 0 && QUESTION_WORDS.has(words[0])) words = words.slice(1);
  while (words.length > 0 && QUESTION_WORDS.has(words[words.length - 1])) words = words.slice(0, -1);
  for (let start = 0; start < words.length; start++) {
    const field = FIELD_BY_ALIAS.get(words.slice(start).join(''));
    if (field !== undefined && (start === 0 || PREFIXABLE.has(field))) return field;
  }
  return undefined;
}

/** The field a header is an alias of, exactly (after normalisation); word-by-word matches are not included. */
export function aliasField(header: string): CanonicalField | undefined {
  return FIELD_BY_ALIAS.get(normaliseHeader(header));
}

// A bare "Name"/"Naam" next to a first-name column is the surname: German "Vorname | Name",
// Dutch "Voornaam | Naam". Read as a full name it would key signers on surname + postcode
// and merge different people.
const BARE_FULL_NAME = new Set(['name', 'naam']);
// A given-name word that is a file's only name column holds whatever name the form asked
// for, usually the whole name ("Nombre", "Nome", "Nom", "名字" on a one-field form).
const LONE_NAME = new Set(['nombre', 'nome', 'nom', '名字']);
const NAME_FIELDS: CanonicalField[] = ['first_name', 'last_name', 'full_name'];

export interface HeaderMapping {
  /** Column index per canonical field; absent when no column maps to it. */
  columns: Partial<Record<CanonicalField, number>>;
  /** Non-blank headers that map to no field (ignored columns). */
  unknownHeaders: string[];
  /** Explicit mapping values, as given, that match no header of the file. */
  missingExplicit: string[];
}

/**
 * An explicit mapping (canonical field → header text) wins over aliases for its field, and
 * its column is not also used for another field by alias. When an explicit header is
 * missing, the field falls back to its aliases so the caller still sees the best guess; it
 * decides whether missingExplicit fails the batch.
 */
export function mapHeaders(
  headers: string[],
  explicit?: Partial<Record<CanonicalField, string>>,
): HeaderMapping {
  const normalised = headers.map(normaliseHeader);
  const columns: Partial<Record<CanonicalField, number>> = {};
  const explicitFields = new Set<CanonicalField>();
  const claimed = new Set<number>();
  const missingExplicit: string[] = [];

  for (const field of CANONICAL_FIELDS) {
    const wanted = explicit?.[field];
    if (wanted === undefined || wanted === null) continue;
    const key = normaliseHeader(wanted);
    const index = key === '' ? -1 : normalised.indexOf(key);
    if (index < 0) {
      missingExplicit.push(wanted);
      continue;
    }
    columns[field] = index;
    explicitFields.add(field);
    claimed.add(index);
  }

  // Aliases first, then the remaining headers word by word, so that an exact "Email" beats "Supporter Email".
  const unmatched: number[] = [];
  normalised.forEach((key, index) => {
    if (claimed.has(index)) return;
    const field = FIELD_BY_ALIAS.get(key);
    if (field === undefined) unmatched.push(index);
    else if (!explicitFields.has(field) && columns[field] === undefined) columns[field] = index;
  });
  const unknownHeaders: string[] = [];
  for (const index of unmatched) {
    const field = matchByWords(headers[index]);
    if (field === undefined) {
      // Spreadsheets often carry trailing empty header cells; they are not worth reporting.
      if (headers[index].trim() !== '') unknownHeaders.push(headers[index]);
      continue;
    }
    if (!explicitFields.has(field) && columns[field] === undefined) columns[field] = index;
  }

  resolveAmbiguousNames(columns, normalised, explicitFields);
  return { columns, unknownHeaders, missingExplicit };
}

// Only alias-mapped columns are reinterpreted: an explicit mapping is never second-guessed.
function resolveAmbiguousNames(
  columns: Partial<Record<CanonicalField, number>>,
  normalised: string[],
  explicitFields: Set<CanonicalField>,
): void {
  const aliasUsedFor = (field: CanonicalField): string | undefined => {
    const index = columns[field];
    return index === undefined || explicitFields.has(field) ? undefined : normalised[index];
  };

  const fullNameAlias = aliasUsedFor('full_name');
  if (
    columns.first_name !== undefined &&
    columns.last_name === undefined &&
    fullNameAlias !== undefined &&
    BARE_FULL_NAME.has(fullNameAlias)
  ) {
    columns.last_name = columns.full_name;
    delete columns.full_name;
  }

  const present = NAME_FIELDS.filter((field) => columns[field] !== undefined);
  if (present.length === 1 && present[0] !== 'full_name') {
    const alias = aliasUsedFor(present[0]);
    if (alias !== undefined && LONE_NAME.has(alias)) {
      columns.full_name = columns[present[0]];
      delete columns[present[0]];
    }
  }
}
