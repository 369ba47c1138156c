import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES, translator } from '../../src/modules/web/i18n';

const ROOT = join(__dirname, '..', '..');

function files(dir: string, ending: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ending) : path.endsWith(ending) ? [path] : [];
  });
}

/** Every word of the web app comes from the catalogues: each language has every key, and no page asks for a missing one. */
describe('the web catalogues', () => {
  const english = CATALOGUES.en;

  it.each(Object.keys(CATALOGUES).filter((l) => l !== 'en'))('%s has exactly the keys of English, with the same placeholders', (language) => {
    const other = CATALOGUES[language];
    expect(Object.keys(other).sort()).toEqual(Object.keys(english).sort());
    const placeholders = (value: unknown) => [...new Set(JSON.stringify(value).match(/\{\w+\}/g) ?? [])].sort();
    for (const key of Object.keys(english)) expect({ key, placeholders: placeholders(other[key]) }).toEqual({ key, placeholders: placeholders(english[key]) });
  });

  it('has every text a template or a web controller names', () => {
    const sources = [...files(join(ROOT, 'templates', 'web'), '.eta'), ...files(join(ROOT, 'src', 'modules', 'web'), '.ts')];
    const named = sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?:\bt\(|again\([^,]+, )'([a-z_]+(?:\.[a-z_0-9]+)+)'/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter((key) => !(key in english))).toEqual([]);
  });

  it('fills placeholders, formats numbers for the reader and picks the plural form', () => {
    expect(translator('en')('section.share', { share: '9%', worldwide: '500,000' })).toBe('9% of 500,000 worldwide');
    expect(translator('en')('retract.removes', { count: 1 })).toBe('1 person will no longer count.');
    expect(translator('en')('retract.removes', { count: 1234 })).toBe('1,234 people will no longer count.');
    expect(translator('nl')('retract.removes', { count: 1234 })).toContain('1.234');
    expect(translator('nl')('no.such.key', {}, 'the API said so')).toBe('the API said so');
    expect(() => translator('en')('no.such.key')).toThrow('no text "no.such.key"');
  });
});
