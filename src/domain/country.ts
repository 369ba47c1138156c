// Resolves whatever a section's CRM put in its country column to ISO 3166-1 alpha-2.
// Runs once per row of files with millions of rows, so all the work happens at module load
// and a call is one normalisation plus one Map lookup.
import * as countries from 'i18n-iso-countries';

// Languages of the sections we expect plus the major languages their signers write in.
// Every one of these ships as i18n-iso-countries/langs/<code>.json.
const LOCALES = [
  'en', 'nl', 'fr', 'de', 'es', 'pt', 'tr', 'zh', 'ru', 'ar', 'ja', 'ko', 'it', 'pl', 'sv',
  'da', 'nb', 'fi', 'el', 'he', 'hi', 'th', 'uk', 'cs', 'hu', 'ro', 'id',
];

// Names people actually type that the library lacks. The Chinese locale is simplified
// Chinese written from Beijing's point of view (Taiwan is "中国台湾省"); signers in Taiwan,
// Hong Kong and the diaspora write the names below.
const EXTRA_NAMES: Record<string, string[]> = {
  GB: ['Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  NL: ['Holland'],
  TW: ['台灣', '臺灣', '台湾', '中華民國', '中华民国', 'Republic of China'],
  AU: ['澳洲'],
  NZ: ['紐西蘭', '纽西兰'],
  KR: ['南韓', '南韩', '한국'],
  KP: ['北韓', '北韩'],
  CZ: ['Česko'],
  LA: ['Laos'],
  SY: ['Syria'],
  MD: ['Moldova'],
  BN: ['Brunei'],
  VA: ['Vatican', 'Vatican City'],
  MO: ['Macau'],
  MM: ['Burma'],
  SZ: ['Swaziland'],
  MK: ['Macedonia'],
  CV: ['Cabo Verde'],
  TL: ['East Timor'],
  VN: ['Viet Nam'],
};

// Traditional → simplified for the characters that occur in the library's Chinese names,
// so 德國, 荷蘭 or 俄羅斯 find 德国, 荷兰, 俄罗斯. Not a general converter: only these
// characters matter for country names, and a missed one merely leaves a name unresolved.
const TRADITIONAL_TO_SIMPLIFIED: Record<string, string> = {
  爾: '尔', 聯: '联', 亞: '亚', 達: '达', 蘭: '兰', 屬: '属', 薩: '萨', 魯: '鲁', 羅: '罗',
  國: '国', 納: '纳', 時: '时', 貝: '贝', 寧: '宁', 聖: '圣', 萊: '莱', 維: '维', 區: '区',
  馬: '马', 韋: '韦', 島: '岛', 茲: '兹', 剛: '刚', 倫: '伦', 誕: '诞', 愛: '爱', 濟: '济',
  岡: '冈', 幾: '几', 內: '内', 臘: '腊', 喬: '乔', 關: '关', 紹: '绍', 領: '领', 澤: '泽',
  買: '买', 約: '约', 鮮: '鲜', 韓: '韩', 開: '开', 撾: '挝', 盧: '卢', 脫: '脱', 頓: '顿',
  緬: '缅', 門: '门', 來: '来', 諾: '诺', 紐: '纽', 賓: '宾', 凱: '凯', 勞: '劳', 蘇: '苏',
  揚: '扬', 敘: '叙', 東: '东', 湯: '汤', 圖: '图', 臺: '台', 灣: '湾', 烏: '乌', 嶼: '屿',
  別: '别', 贊: '赞', 極: '极', 奧: '奥', 庫: '库', 麥: '麦',
};
const TRADITIONAL = new RegExp(`[${Object.keys(TRADITIONAL_TO_SIMPLIFIED).join('')}]`, 'gu');

// Accents are stripped only from Latin, Greek and Cyrillic letters: there they are optional
// in practice (Turkiye, Perou, Osterreich), while in Devanagari, Thai or Japanese kana the
// combining marks are part of the spelling and removing them would merge different names.
const ACCENTED = /(\p{Script=Latin}|\p{Script=Greek}|\p{Script=Cyrillic})\p{M}+/gu;
const NOT_NAME_CHARACTER = /[^\p{L}\p{N}\p{M}]/gu;

function lookupKey(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(ACCENTED, '$1')
    .normalize('NFC')
    .toLowerCase()
    // Turkish dotless ı: "TÜRKIYE" typed on a non-Turkish keyboard must still match.
    .replace(/ı/g, 'i')
    .replace(TRADITIONAL, (ch) => TRADITIONAL_TO_SIMPLIFIED[ch])
    .replace(NOT_NAME_CHARACTER, '');
}

const ALPHA2_CODES = new Set(Object.keys(countries.getAlpha2Codes()));

function buildLookup(): Map<string, string> {
  for (const locale of LOCALES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${locale}.json`));
  }

  // A name that means different countries in different languages ("Congo" is CG in Spanish
  // but both Congos in English; "Kongo" is CD in German, CG in Polish) is dropped rather
  // than guessed: a wrong country silently routes signatures to the wrong embassy, while an
  // unresolved one is rejected with a reason the coordinator can fix.
  const byName = new Map<string, string>();
  const ambiguous = new Set<string>();
  const addName = (name: string, code: string): void => {
    const key = lookupKey(name);
    if (key === '' || ambiguous.has(key)) return;
    const existing = byName.get(key);
    if (existing === undefined) byName.set(key, code);
    else if (existing !== code) {
      byName.delete(key);
      ambiguous.add(key);
    }
  };

  for (const locale of LOCALES) {
    const names = countries.getNames(locale, { select: 'all' });
    for (const [code, localNames] of Object.entries(names)) {
      for (const name of localNames) addName(name, code);
    }
  }
  for (const [code, names] of Object.entries(EXTRA_NAMES)) {
    for (const name of names) addName(name, code);
  }

  // Codes win over names; no name in these locales spells another country's code anyway.
  for (const code of ALPHA2_CODES) byName.set(code.toLowerCase(), code);
  for (const [alpha3, alpha2] of Object.entries(countries.getAlpha3Codes())) {
    byName.set(alpha3.toLowerCase(), alpha2);
  }
  return byName;
}

const LOOKUP = buildLookup();

/** ISO 3166-1 alpha-2 (upper-case) for a code or country name, or null when unknown or ambiguous. */
export function resolveCountry(raw: string): string | null {
  return LOOKUP.get(lookupKey(raw)) ?? null;
}

/** True only for an upper-case alpha-2 code, the form stored everywhere and used in dedupe keys. */
export function isKnownCountryCode(code: string): boolean {
  return ALPHA2_CODES.has(code);
}

// A column is read as countries when nearly all its filled values are country codes or names: a column of
// first names has a Jordan or a Chad, a city column a Luxembourg, but never nine in ten. Two values at least,
// so that a lone "NL" in a notes column does not decide where signatures go. A thousand values tell as much as
// the whole sample, and every column of an upload is asked.
const COUNTRY_COLUMN_SHARE = 0.9;
const COUNTRY_COLUMN_MIN_VALUES = 2;
const COUNTRY_COLUMN_VALUES_READ = 1000;

/** True when the values (blanks ignored; the first thousand) are ISO alpha-2 or alpha-3 codes or country names, nearly all of them. */
export function readsAsCountries(values: string[]): boolean {
  const filled = values.map((v) => v.trim()).filter((v) => v !== '').slice(0, COUNTRY_COLUMN_VALUES_READ);
  if (filled.length < COUNTRY_COLUMN_MIN_VALUES) return false;
  const resolved = filled.filter((v) => resolveCountry(v) !== null).length;
  return resolved / filled.length >= COUNTRY_COLUMN_SHARE;
}
