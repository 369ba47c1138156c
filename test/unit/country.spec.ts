import { isKnownCountryCode, resolveCountry } from '../../src/domain/country';

describe('resolveCountry', () => {
  it.each([
    ['NL', 'NL'],
    ['nl', 'NL'],
    ['ru', 'RU'],
    ['RUS', 'RU'],
    ['nld', 'NL'],
    ['Twn', 'TW'],
    [' de ', 'DE'],
  ])('accepts the ISO code %j', (raw, code) => {
    expect(resolveCountry(raw)).toBe(code);
  });

  it.each([
    ['Netherlands', 'NL'],
    ['The Netherlands', 'NL'],
    ['Nederland', 'NL'],
    ['Pays-Bas', 'NL'],
    ['Países Bajos', 'NL'],
    ['Niederlande', 'NL'],
    ['Deutschland', 'DE'],
    ['Allemagne', 'DE'],
    ['Brasil', 'BR'],
    ['Brazil', 'BR'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['Россия', 'RU'],
    ['Russia', 'RU'],
    ['Rusland', 'RU'],
    ['Taiwan', 'TW'],
    ['台灣', 'TW'],
    ['臺灣', 'TW'],
    ['台湾', 'TW'],
    ['中国台湾省', 'TW'],
    ['俄罗斯', 'RU'],
    ['荷兰', 'NL'],
    ['Australia', 'AU'],
    ['Україна', 'UA'],
    ['Polska', 'PL'],
    ['Ελλάδα', 'GR'],
    ['Sverige', 'SE'],
    ['Suomi', 'FI'],
    ['Magyarország', 'HU'],
    ['România', 'RO'],
    ['Italia', 'IT'],
    ['ドイツ', 'DE'],
    ['대한민국', 'KR'],
    ['المغرب', 'MA'],
    ['ישראל', 'IL'],
    ['भारत', 'IN'],
  ])('accepts the country name %j', (raw, code) => {
    expect(resolveCountry(raw)).toBe(code);
  });

  it.each([
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United States', 'US'],
    ['Holland', 'NL'],
    ['Ivory Coast', 'CI'],
    ['Czechia', 'CZ'],
  ])('accepts the common alias %j', (raw, code) => {
    expect(resolveCountry(raw)).toBe(code);
  });

  it('reads traditional Chinese spellings of names the library has in simplified Chinese', () => {
    expect(resolveCountry('德國')).toBe('DE');
    expect(resolveCountry('荷蘭')).toBe('NL');
    expect(resolveCountry('俄羅斯')).toBe('RU');
    expect(resolveCountry('美國')).toBe('US');
    expect(resolveCountry('澳洲')).toBe('AU');
  });

  it('ignores case, accents, whitespace and punctuation', () => {
    expect(resolveCountry('  PAYS BAS ')).toBe('NL');
    expect(resolveCountry('pays-bas.')).toBe('NL');
    expect(resolveCountry('TURKIYE')).toBe('TR');
    expect(resolveCountry('TÜRKİYE')).toBe('TR');
    expect(resolveCountry('turkıye')).toBe('TR');
    expect(resolveCountry('Espana')).toBe('ES');
    expect(resolveCountry('Cote d’Ivoire')).toBe('CI');
    expect(resolveCountry('côte-d\'ivoire')).toBe('CI');
    expect(resolveCountry('Ｎｅｄｅｒｌａｎｄ')).toBe('NL');
  });

  it('returns null for what it cannot resolve', () => {
    expect(resolveCountry('')).toBeNull();
    expect(resolveCountry('   ')).toBeNull();
    expect(resolveCountry('XX')).toBeNull();
    expect(resolveCountry('Atlantis')).toBeNull();
    expect(resolveCountry('Nederlandd')).toBeNull();
  });

  it('refuses names that mean different countries in different languages', () => {
    // English "Congo" is either Congo; German "Kongo" is CD but Polish "Kongo" is CG.
    expect(resolveCountry('Congo')).toBeNull();
    expect(resolveCountry('Kongo')).toBeNull();
    // The unambiguous names still resolve.
    expect(resolveCountry('Republic of the Congo')).toBe('CG');
    expect(resolveCountry('COG')).toBe('CG');
    expect(resolveCountry('COD')).toBe('CD');
  });
});

describe('isKnownCountryCode', () => {
  it('accepts upper-case alpha-2 codes', () => {
    expect(isKnownCountryCode('NL')).toBe(true);
    expect(isKnownCountryCode('TW')).toBe(true);
    expect(isKnownCountryCode('XK')).toBe(true);
  });

  it('rejects anything that is not the canonical stored form', () => {
    expect(isKnownCountryCode('nl')).toBe(false);
    expect(isKnownCountryCode('NLD')).toBe(false);
    expect(isKnownCountryCode('XX')).toBe(false);
    expect(isKnownCountryCode('')).toBe(false);
  });
});
