import de from '../../../../templates/packs/de.json';
import en from '../../../../templates/packs/en.json';
import es from '../../../../templates/packs/es.json';
import fr from '../../../../templates/packs/fr.json';
import nl from '../../../../templates/packs/nl.json';
import pt from '../../../../templates/packs/pt.json';
import ru from '../../../../templates/packs/ru.json';
import tr from '../../../../templates/packs/tr.json';
import zh from '../../../../templates/packs/zh.json';

/**
 * Every word printed in a pack or a paper form, per language, from `templates/packs/<language>.json`.
 * Typed by the English file, so a translation that lacks a key does not compile. To add a language, add its
 * file there and one import here.
 */
export type PackTexts = typeof en;

const TEMPLATES: Record<string, PackTexts> = { en, nl, fr, de, es, pt, tr, zh, ru };

export interface Localised {
  /** The template's language code, e.g. "nl" for a delivery point whose language is "nl-BE". */
  language: string;
  texts: PackTexts;
}

/** The template for a language tag ("nl", "zh-TW"), by its primary language; English when there is none. */
export function textsFor(languageTag: string): Localised {
  const language = languageTag.toLowerCase().split(/[-_]/)[0];
  return TEMPLATES[language] ? { language, texts: TEMPLATES[language] } : { language: 'en', texts: en };
}

/** Fills `{placeholder}`s; a placeholder without a value is left visible rather than printed as "undefined". */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export const SUPPORTED_LANGUAGES = Object.keys(TEMPLATES);
