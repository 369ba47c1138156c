import { Request } from 'express';
import en from '../../../templates/web/i18n/en.json';
import nl from '../../../templates/web/i18n/nl.json';

/**
 * Every word of the web app, one catalogue per language in `templates/web/i18n/<language>.json`. English is
 * complete and the fallback for a key another catalogue lacks. A value is text with `{name}` placeholders, or
 * `{"one": …, "other": …}` chosen by the `count` parameter with the language's plural rules.
 */
type Entry = string | Partial<Record<Intl.LDMLPluralRule, string>>;
export type Catalogue = Record<string, Entry>;

export const CATALOGUES: Record<string, Catalogue> = { en, nl };
export const LANGUAGES = Object.keys(CATALOGUES);
export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', nl: 'Nederlands' };
export const LANGUAGE_COOKIE = 'handin.lang';

/** `fallback` is for texts that may have no entry, such as an API error message by its code. */
export type Translate = (key: string, params?: Record<string, string | number>, fallback?: string) => string;

/** The page's language: a `?lang=` switch, else the one chosen before (cookie), else the browser's preference. */
export function chooseLanguage(request: Request): string {
  const asked = [request.query.lang, cookie(request, LANGUAGE_COOKIE)].find(
    (l): l is string => typeof l === 'string' && LANGUAGES.includes(l),
  );
  return asked ?? (request.acceptsLanguages(...LANGUAGES) || 'en');
}

export function translator(language: string): Translate {
  const catalogue = CATALOGUES[language] ?? en;
  const plurals = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language);
  return (key, params = {}, fallback) => {
    const entry: Entry | undefined = catalogue[key] ?? (en as Catalogue)[key] ?? fallback;
    if (entry === undefined) throw new Error(`no text "${key}" in the web catalogue`);
    const text = typeof entry === 'string' ? entry : (entry[plurals.select(Number(params.count))] ?? entry.other ?? '');
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}

function cookie(request: Request, name: string): string | undefined {
  const pair = (request.headers.cookie ?? '').split(/;\s*/).find((p) => p.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}
