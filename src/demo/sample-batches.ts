/**
 * Sample "day of action" batches for the demo, modelled on the 2017 Chechnya campaign (demo/campaign.json).
 * Every person is fictional and generated from small name pools with a seeded PRNG, so the output is
 * byte-identical on every run. One CSV per section, with the mess real exports have: several scripts,
 * cross-section and in-file duplicates that only match after normalisation, rows without e-mail, a few
 * invalid rows, signers abroad (including Russia, whose names packs must withhold).
 *
 * CLI: node dist/src/demo/sample-batches.js <outDir>   → prints the written files as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { mulberry32, Rng } from './seeded-random';

export interface SampleBatchFile { section: string; file: string; rows: number }
export interface SampleTally { section: string; count: number; country: string; note: string }

/** An offline (paper) tally the demo uploads beside the files. */
export const SAMPLE_TALLY: SampleTally = {
  section: 'DE', count: 1240, country: 'DE', note: 'Paper signatures collected at IDAHOT street stands on 17 May 2017',
};


// ---- name pools (given names split by gender so Russian/Greek surnames agree) ----------------------
interface Culture { male: string[]; female: string[]; last: string[]; lastF?: string[]; han?: boolean }
const RU_LAST = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков', 'Морозов', 'Волков', 'Фёдоров', 'Павлов'];
const CULTURES: Record<string, Culture> = {
  nl: { male: ['Daan', 'Sem', 'Bram', 'Thijs', 'Ruben', 'Joris', 'Wouter', 'Mehmet', 'Youssef', 'Joël'],
    female: ['Sanne', 'Anouk', 'Floor', 'Eva', 'Lotte', 'Maaike', 'Inge', 'Noëlle', 'Chloë', 'Fenna'],
    last: ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'de Jong', 'Mulder', 'van Dijk', 'Hoekstra', 'Meijer', "'t Hart", 'Yılmaz', 'Öztürk', 'El Amrani', 'Çelik'] },
  fr: { male: ['François', 'Jérôme', 'Mathéo', 'Benoît', 'Stéphane', 'Étienne', 'Loïc', 'Rémi', 'Gaël', 'Julien'],
    female: ['Émilie', 'Geneviève', 'Hélène', 'Chloé', 'Gaëlle', 'Maëlle', 'Zoé', 'Léa', 'Noémie', 'Josée'],
    last: ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Bélanger', 'Lévesque', 'Pelletier', 'Bérubé', 'Ouellet', 'Saint-Pierre', 'Lapointe', 'Fréchette'] },
  de: { male: ['Jürgen', 'Sören', 'Jörg', 'Björn', 'Lukas', 'Jonas', 'Maximilian', 'Günter', 'Emil', 'Mustafa'],
    female: ['Lena', 'Mia', 'Käthe', 'Hannah', 'Zoë', 'Anneliese', 'Jule', 'Ayşe', 'Franziska', 'Lea'],
    last: ['Müller', 'Schröder', 'Weiß', 'Groß', 'Becker', 'Hoffmann', 'Schäfer', 'Köhler', 'Krüger', 'Wagner', 'Fuchs', 'Şahin', 'Nowak', 'Meißner'] },
  pt: { male: ['João', 'Luís', 'Antônio', 'Caio', 'Sebastião', 'Vinícius', 'Thiago', 'Raí', 'André', 'Lucas'],
    female: ['Ana', 'Conceição', 'Gabriela', 'Thaís', 'Lúcia', 'Mariana', 'Letícia', 'Iara', 'Luíza', 'Mônica'],
    last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Gonçalves', 'Araújo', 'Magalhães', 'Brandão', 'Simões', 'Assunção', 'Pereira', 'Carvalho', 'Guimarães'] },
  en: { male: ['Jack', 'Liam', 'Noah', 'Ethan', 'Darnell', 'Seán', 'Lachlan', 'Oliver', 'Mateo', 'Tyrone'],
    female: ['Olivia', 'Charlotte', 'Mia', 'Harper', 'Aaliyah', 'Siobhán', 'Chloe', 'Isla', 'Zoë', 'Maya'],
    last: ['Smith', 'Nguyễn', "O'Brien", 'Williams', 'Brown', 'Taylor', 'Johnson', 'García', 'Martínez', 'Kowalski', 'Patel', 'Murphy', 'MacDonald', 'Okafor'] },
  zh: { han: true, male: ['志明', '俊傑', '家豪', '冠宇', '建宏', '承翰', '宗翰', '柏宇'],
    female: ['怡君', '雅婷', '淑芬', '宜蓁', '佩珊', '詩涵', '美玲', '欣妤'],
    last: ['陳', '林', '黃', '張', '李', '王', '吳', '劉', '蔡', '楊', '許', '鄭', '謝', '郭', '歐陽'] },
  ru: { male: ['Алексей', 'Дмитрий', 'Иван', 'Сергей', 'Михаил', 'Павел', 'Артём', 'Андрей'],
    female: ['Наталья', 'Ольга', 'Мария', 'Анна', 'Екатерина', 'Юлия', 'Татьяна', 'Светлана'],
    last: RU_LAST, lastF: RU_LAST.map((s) => s + 'а') },
  ar: { male: ['محمد', 'أحمد', 'يوسف', 'عمر', 'خالد', 'كريم'], female: ['فاطمة', 'ليلى', 'مريم', 'نور', 'سارة', 'رنا'],
    last: ['الحسيني', 'منصور', 'حداد', 'الخطيب', 'عبد الله', 'الشامي', 'نصار', 'العلي'] },
  he: { male: ['יונתן', 'איתי', 'דניאל', 'אורי', 'נועם', 'עמית'], female: ['נועה', 'תמר', 'מיכל', 'שירה', 'יעל', 'רוני'],
    last: ['כהן', 'לוי', 'מזרחי', 'פרץ', 'ביטון', 'אברהם', 'פרידמן', 'שפירא'] },
  el: { male: ['Γιώργος', 'Νίκος', 'Δημήτρης', 'Γιάννης', 'Κώστας', 'Σπύρος'], female: ['Μαρία', 'Ελένη', 'Κατερίνα', 'Σοφία', 'Δέσποινα', 'Αθηνά'],
    last: ['Παπαδόπουλος', 'Παππάς', 'Οικονόμου', 'Γεωργίου', 'Νικολάου', 'Βλάχος'],
    lastF: ['Παπαδοπούλου', 'Παππά', 'Οικονόμου', 'Γεωργίου', 'Νικολάου', 'Βλάχου'] },
  hi: { male: ['राहुल', 'अमित', 'विक्रम', 'अर्जुन', 'संजय', 'रोहन'], female: ['प्रिया', 'अनीता', 'सुनीता', 'कविता', 'दीपिका', 'नेहा'],
    last: ['शर्मा', 'वर्मा', 'पटेल', 'गुप्ता', 'सिंह', 'जोशी'] },
  th: { male: ['สมชาย', 'ธนพล', 'กิตติ', 'ณัฐวุฒิ', 'อนุชา', 'วีระ'], female: ['สมศรี', 'พิมพ์ชนก', 'ณัฐธิดา', 'กมลชนก', 'สุดารัตน์', 'อรุณี'],
    last: ['ศรีสุข', 'วงศ์สวัสดิ์', 'แก้วมณี', 'บุญมา', 'สุขสวัสดิ์', 'ทองดี'] },
};
/** Cultures sprinkled into any country's own signers (~4 %). */
const SPRINKLE = ['ar', 'he', 'el', 'hi', 'th', 'ru', 'zh'];

// ---- countries: spellings of the country column, mail domains, cultures, [city, region, postcode pattern] ----
// Postcode pattern: '#' → digit, '@' → capital letter, '' → no postcode.
interface Country { spell: string[]; domains: string[]; cultures: string[]; places: [string, string, string][] }
const c = (spell: string, domains: string, cultures: string, places: [string, string, string][]): Country =>
  ({ spell: spell.split('|'), domains: domains.split(' '), cultures: cultures.split(' '), places });
const COUNTRIES: Record<string, Country> = {
  NL: c('NL|NL|NL|NL|Nederland|NLD', 'gmail.com ziggo.nl kpnmail.nl hotmail.com xs4all.nl outlook.com', 'nl', [
    ['Amsterdam', 'NH', '10## @@'], ['Rotterdam', 'ZH', '30## @@'], ['Den Haag', 'ZH', '25## @@'], ['Utrecht', 'UT', '35## @@'],
    ['Groningen', 'GR', '97## @@'], ['Nijmegen', 'GE', '65## @@'], ["'s-Hertogenbosch", 'NB', '52## @@'], ['Maastricht', 'LI', '62## @@']]),
  CA: c('CA|CA|Canada', 'gmail.com videotron.ca hotmail.com sympatico.ca yahoo.ca', 'fr fr fr en', [
    ['Montréal', 'QC', 'H#@ #@#'], ['Québec', 'QC', 'G1@ #@#'], ['Laval', 'QC', 'H7@ #@#'], ['Gatineau', 'QC', 'J8@ #@#'],
    ['Sherbrooke', 'QC', 'J1@ #@#'], ['Trois-Rivières', 'QC', 'G9@ #@#'], ['Ottawa', 'ON', 'K1@ #@#'], ['Toronto', 'ON', 'M5@ #@#'], ['Moncton', 'NB', 'E1@ #@#']]),
  TW: c('TW|TW|TW|Taiwan|TWN', 'gmail.com yahoo.com.tw hotmail.com msa.hinet.net', 'zh', [
    ['臺北市', '', '1##'], ['新北市', '', '2##'], ['臺中市', '', '4##'], ['高雄市', '', '8##'], ['臺南市', '', '7##'], ['Taipei', '', '1##']]),
  BR: c('BR|BR|BR|Brasil|BRA', 'gmail.com uol.com.br bol.com.br hotmail.com yahoo.com.br terra.com.br', 'pt', [
    ['São Paulo', 'SP', '0####-###'], ['Rio de Janeiro', 'RJ', '2####-###'], ['Belo Horizonte', 'MG', '3####-###'], ['Porto Alegre', 'RS', '9####-###'],
    ['Salvador', 'BA', '4####-###'], ['Recife', 'PE', '5####-###'], ['Brasília', 'DF', '7####-###'], ['Florianópolis', 'SC', '88###-###']]),
  DE: c('DE|DE|DE|Deutschland|DEU', 'gmx.de web.de t-online.de gmail.com posteo.de gmx.de web.de grün-post.de', 'de', [
    ['Berlin', 'BE', '1####'], ['Hamburg', 'HH', '2####'], ['München', 'BY', '8####'], ['Köln', 'NW', '50###'],
    ['Frankfurt am Main', 'HE', '60###'], ['Leipzig', 'SN', '04###'], ['Düsseldorf', 'NW', '40###'], ['Freiburg im Breisgau', 'BW', '79###']]),
  AU: c('AU|AU|Australia', 'gmail.com bigpond.com optusnet.com.au outlook.com icloud.com', 'en en en en zh', [
    ['Sydney', 'NSW', '20##'], ['Newcastle', 'NSW', '23##'], ['Wollongong', 'NSW', '25##'], ['Parramatta', 'NSW', '21##'], ['Melbourne', 'VIC', '30##'],
    ['Brisbane', 'QLD', '40##'], ['Canberra', 'ACT', '26##'], ['Perth', 'WA', '60##'], ['Adelaide', 'SA', '50##'], ['Hobart', 'TAS', '70##']]),
  US: c('US|US|USA|United States', 'gmail.com yahoo.com outlook.com aol.com icloud.com', 'en en en en zh', [
    ['New York', 'NY', '100##'], ['Brooklyn', 'NY', '112##'], ['Los Angeles', 'CA', '900##'], ['San Francisco', 'CA', '941##'], ['Chicago', 'IL', '606##'],
    ['Washington, D.C.', 'DC', '200##'], ['Seattle', 'WA', '981##'], ['Austin', 'TX', '787##'], ['Boston', 'MA', '021##']]),
  RU: c('RU|RU|RU|Russia|RUS', 'mail.ru yandex.ru gmail.com list.ru rambler.ru', 'ru', [
    ['Москва', '', '1#####'], ['Санкт-Петербург', '', '19####'], ['Новосибирск', '', '630###'], ['Екатеринбург', '', '620###'], ['Казань', '', '420###']]),
  BE: c('BE|Belgium', 'skynet.be telenet.be gmail.com', 'nl fr', [['Antwerpen', '', '2###'], ['Gent', '', '9###'], ['Bruxelles', '', '1###'], ['Liège', '', '4###']]),
  FR: c('FR|France', 'orange.fr free.fr laposte.net gmail.com', 'fr', [['Paris', '', '75###'], ['Lyon', '', '69###'], ['Lille', '', '59###']]),
  GB: c('GB|United Kingdom', 'btinternet.com gmail.com hotmail.co.uk', 'en', [['London', '', 'E# #@@'], ['Manchester', '', 'M# #@@'], ['Brighton', '', 'BN# #@@']]),
  IL: c('IL|Israel', 'walla.co.il gmail.com', 'he he ar', [['תל אביב-יפו', '', '6######'], ['חיפה', '', '3######'], ['ירושלים', '', '9######']]),
  LB: c('LB|Lebanon', 'gmail.com hotmail.com', 'ar', [['بيروت', '', ''], ['طرابلس', '', '']]),
  GR: c('GR|Greece', 'gmail.com otenet.gr yahoo.gr', 'el', [['Αθήνα', '', '1## ##'], ['Θεσσαλονίκη', '', '5## ##']]),
  IN: c('IN|India', 'gmail.com rediffmail.com', 'hi', [['नई दिल्ली', '', '110###'], ['मुंबई', '', '400###'], ['Bengaluru', '', '560###']]),
  TH: c('TH|Thailand', 'gmail.com hotmail.co.th', 'th', [['กรุงเทพมหานคร', '', '10###'], ['เชียงใหม่', '', '50###']]),
};
const ABROAD = 'RU RU RU AU AU BE FR GB DE NL US CA IL LB GR IN TH BR TW'.split(' ');

// ---- sections and file layouts ----------------------------------------------------------------------------
interface Layout { headers: string[]; delimiter: string; windows?: boolean; fullName?: boolean }
const EN_HEADERS = ['First name', 'Last name', 'Email', 'Country', 'Region', 'Postcode', 'City', 'Signed at', 'Consent'];
const LAYOUTS: Record<string, Layout> = {
  en: { headers: EN_HEADERS, delimiter: ',' },
  nl: { headers: ['Voornaam', 'Achternaam', 'E-mailadres', 'Land', 'Postcode', 'Woonplaats', 'Datum', 'Toestemming'], delimiter: ';', windows: true },
  tw: { headers: ['Full name', ...EN_HEADERS.slice(2)], delimiter: ',', fullName: true },
};
const SECTIONS = [ // generated in this order; later sections repeat people from earlier ones
  { code: 'NL', country: 'NL', rows: 1800, layout: 'nl', offset: '+02:00', file: 'nl-petitie-export-2017-06-01.csv' },
  { code: 'CA-FR', country: 'CA', rows: 600, layout: 'en', offset: '-04:00', file: 'ca-fr-signataires.csv' },
  { code: 'TW', country: 'TW', rows: 450, layout: 'tw', offset: '+08:00', file: 'tw-signatures.csv' },
  { code: 'BR', country: 'BR', rows: 850, layout: 'en', offset: '-03:00', file: 'br-assinaturas.csv' },
  { code: 'DE', country: 'DE', rows: 1050, layout: 'en', offset: 'Z', file: 'de-unterschriften.csv' },
  { code: 'AU', country: 'AU', rows: 650, layout: 'en', offset: 'Z', file: 'au-signatures.csv' },
  { code: 'US', country: 'US', rows: 600, layout: 'en', offset: 'Z', file: 'us-signatures.csv' },
];
const OPENS = Date.parse('2017-04-20T00:00:00Z');
const CLOSES = Date.parse('2017-06-02T12:00:00Z');
const RATE = { abroad: 0.1, crossDup: 0.07, inFileDup: 0.02, noEmail: 0.05, invalid: 0.006, noConsent: 0.05 };

interface Person { first: string; last: string; full: string; email: string; country: string; region: string; postcode: string; city: string }
interface Row extends Person { at: number; consent: string }

const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
const LATIN = 'a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya'.split(' ');
/** ASCII letters of a name for the e-mail local part (Latin without accents, Cyrillic transliterated, others dropped). */
function ascii(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss')
    .replace(/[а-яё]/g, (ch) => LATIN[CYRILLIC.indexOf(ch)]).replace(/[^a-z]/g, '');
}

function generate(): Map<string, Row[]> {
  const rng = mulberry32(20170602);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  const fill = (pattern: string) => pattern.replace(/[#@]/g, (p) => p === '#' ? String(Math.floor(rng() * 10)) : 'ABCDEFGHJKLMNPRSTVWXZ'[Math.floor(rng() * 21)]);
  let serial = 1000;
  const nameKeys = new Set<string>(); // keeps e-mail-less people distinct, so their duplicates are only the planned ones

  function person(code: string, abroad: boolean, withEmail: boolean): Person {
    const country = COUNTRIES[code];
    const cul = CULTURES[rng() < 0.04 ? pick(SPRINKLE) : pick(country.cultures)];
    const female = rng() < 0.5;
    const first = pick(female ? cul.female : cul.male);
    const i = Math.floor(rng() * cul.last.length);
    const last = female && cul.lastF ? cul.lastF[i] : cul.last[i];
    const places = abroad && code === 'AU' ? country.places.filter((p) => p[1] === 'NSW') : country.places;
    const [city, region, pattern] = pick(places);
    const p: Person = { first, last, full: cul.han ? last + first : `${first} ${last}`, email: '', country: pick(country.spell),
      region, postcode: rng() < 0.7 ? fill(pattern) : '', city: rng() < 0.8 ? city : '' };
    if (!withEmail) {
      const r = rng(); // < 0.6 postcode and city, < 0.85 postcode only, else city only
      p.postcode = r < 0.85 ? fill(pattern) : '';
      p.city = r < 0.6 || !p.postcode ? city : '';
      const key = `${p.full}|${code}|${p.postcode || p.city}`.toLowerCase();
      if (nameKeys.has(key)) return person(code, abroad, false);
      nameKeys.add(key);
      return p;
    }
    const [a, b, n] = [ascii(first), ascii(last), serial++]; // the serial keeps every address unique
    const local = a && b ? pick([`${a}.${b}${n}`, `${a}${b}${n}`, `${a[0]}.${b}${n}`, `${a}_${b}${n}`]) : `user${n}`;
    p.email = `${local}@${pick(country.domains)}`;
    return p;
  }

  /** The same address written so that it only matches after normalisation (case, +tag, gmail dots, IDNA, spaces). */
  function variant(email: string): string {
    const [local, domain] = email.split('@');
    const options = [email.toUpperCase(), local[0].toUpperCase() + local.slice(1) + '@' + domain[0].toUpperCase() + domain.slice(1),
      `${local}+${pick(['petition', 'chechnya', 'amnesty'])}@${domain}`, ` ${email} `];
    const dotted = local.includes('.') ? local.replace(/\./g, '') : `${local[0]}.${local.slice(1)}`;
    if (domain === 'gmail.com') options.push(`${dotted}@${pick(['gmail.com', 'googlemail.com'])}`);
    if (domainToASCII(domain) !== domain) options.push(`${local}@${domainToASCII(domain)}`);
    const v = pick(options);
    return v === email ? email.toUpperCase() : v;
  }

  function invalid(p: Person, kind: number): Person {
    switch (kind % 6) {
      case 0: return { ...p, first: '', last: '', full: '' };                         // missing name
      case 1: return { ...p, email: p.email.replace('@', kind % 12 === 1 ? '@@' : ' at ') };   // malformed e-mail
      case 2: return { ...p, country: pick(['Atlantis', 'Narnia', 'Elbonia']) };         // unknown country
      case 3: return { ...p, email: '', postcode: '', city: '' };                       // unidentifiable
      case 4: return { ...p, first: '?', last: '1975', full: '? 1975' };                // no letter in the name
      default: return { ...p, last: 'Lorem-'.repeat(40), full: `${p.first} ${'Lorem-'.repeat(40)}` }; // name too long
    }
  }

  const out = new Map<string, Row[]>();
  const earlier: Person[] = []; // people with e-mail from sections already generated
  const used = new Set<string>(); // every address written so far, as written
  let invalidKind = 0;
  for (const s of SECTIONS) {
    const rows: Row[] = [];
    const mine: Person[] = [];
    for (let r = 0; r < s.rows; r++) {
      const at = OPENS + Math.floor(Math.sqrt(rng()) * (CLOSES - OPENS) / 1000) * 1000; // more signatures near the day
      const consent = rng() < RATE.noConsent ? 'no' : 'yes';
      const roll = rng();
      let p: Person;
      if (roll < RATE.invalid) p = invalid(person(s.country, false, true), invalidKind++);
      else if (roll < RATE.invalid + RATE.crossDup && earlier.length) {
        const o = pick(earlier); // the same person signed another section's petition too
        let email = variant(o.email);
        for (let k = 0; used.has(email) && k < 8; k++) email = variant(o.email); // match only after normalisation
        p = { ...o, email };
      } else if (roll >= RATE.invalid + RATE.crossDup && roll < RATE.invalid + RATE.crossDup + RATE.inFileDup && mine.length) {
        const o = pick(mine); // a re-submission: identical, or written differently
        p = o.email ? { ...o, email: rng() < 0.6 ? o.email : variant(o.email) }
          : { ...o, full: o.full.toUpperCase(), first: o.first.toUpperCase(), last: o.last.toUpperCase(), postcode: o.postcode.replace(/[ -]/g, '') };
      } else {
        const abroad = rng() < RATE.abroad;
        p = person(abroad ? pick(ABROAD.filter((x) => x !== s.country)) : s.country, abroad, rng() >= RATE.noEmail);
        if (!abroad && rng() < 0.01) p.country = ''; // empty → the section's country
        mine.push(p);
      }
      used.add(p.email);
      rows.push({ ...p, at, consent });
    }
    earlier.push(...mine.filter((p) => p.email && p.country));
    out.set(s.code, rows.sort((x, y) => x.at - y.at)); // exports come sorted by date (stable sort keeps ties in order)
  }
  return out;
}

function timestamp(ms: number, offset: string): string {
  const hours = offset === 'Z' ? 0 : parseInt(offset.slice(0, 3), 10);
  return new Date(ms + hours * 3600_000).toISOString().replace(/\.\d{3}Z$/, offset);
}

/** Writes one CSV per section of demo/campaign.json into outDir; `file` is outDir joined with the file name. */
export function writeSampleBatches(outDir: string): SampleBatchFile[] {
  mkdirSync(outDir, { recursive: true });
  const bySection = generate();
  return SECTIONS.map((s) => {
    const layout = LAYOUTS[s.layout];
    const records = bySection.get(s.code)!.map((r) => {
      const signedAt = timestamp(r.at, s.offset);
      if (s.layout === 'nl') return [r.first, r.last, r.email, r.country, r.postcode, r.city, signedAt, r.consent];
      const rest = [r.email, r.country, r.region, r.postcode, r.city, signedAt, r.consent];
      return layout.fullName ? [r.full, ...rest] : [r.first, r.last, ...rest];
    });
    const csv = stringify(records, { header: true, columns: layout.headers, delimiter: layout.delimiter,
      bom: layout.windows, record_delimiter: layout.windows ? 'windows' : 'unix' });
    const file = join(outDir, s.file);
    writeFileSync(file, csv);
    return { section: s.code, file, rows: records.length };
  });
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node sample-batches.js <outDir>');
    process.exit(2);
  }
  console.log(JSON.stringify(writeSampleBatches(outDir), null, 2));
}
