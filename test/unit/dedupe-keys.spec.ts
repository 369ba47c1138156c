import {
  caseFold,
  dedupeKey,
  displayName,
  hashDedupeKey,
  normaliseCity,
  normaliseEmail,
  normalisePostcode,
} from '../../src/domain/dedupe-keys';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Jan.Jansen@Example.COM \n')).toBe('jan.jansen@example.com');
  });

  it('applies NFKC so full-width input matches ASCII', () => {
    expect(normaliseEmail('ＪＡＮ＠ＥＸＡＭＰＬＥ．ＣＯＭ')).toBe('jan@example.com');
  });

  it('encodes an internationalised domain as punycode and keeps a UTF-8 local part', () => {
    expect(normaliseEmail('Jörg@Bücher.de')).toBe('jörg@xn--bcher-kva.de');
  });

  it('keeps an already-ASCII punycode domain unchanged', () => {
    expect(normaliseEmail('jörg@xn--bcher-kva.de')).toBe('jörg@xn--bcher-kva.de');
  });

  it('drops a +tag on any domain', () => {
    expect(normaliseEmail('anna+petition@example.org')).toBe('anna@example.org');
    expect(normaliseEmail('anna+a+b@example.org')).toBe('anna@example.org');
  });

  it('keeps dots outside gmail', () => {
    expect(normaliseEmail('a.n.n.a@example.org')).toBe('a.n.n.a@example.org');
  });

  it('drops dots and the +tag for gmail.com', () => {
    expect(normaliseEmail('J.A.N.Jansen+chechnya@Gmail.com')).toBe('janjansen@gmail.com');
  });

  it('treats googlemail.com as gmail.com', () => {
    expect(normaliseEmail('jan.jansen@googlemail.com')).toBe('janjansen@gmail.com');
  });

  it('splits at the last @', () => {
    expect(normaliseEmail('a@b@example.com')).toBeNull();
    expect(normaliseEmail('"a@b"@example.com')).toBe('"a@b"@example.com');
  });

  it.each([
    ['a@b'],
    ['a b@c.com'],
    ['@x.org'],
    ['no-at-sign.example.com'],
    ['x@'],
    ['+tag@example.com'],
    ['x@exa mple.com'],
    ['a..b@example.com'],
    [''],
    ['   '],
  ])('returns null for malformed %j', (raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });

  it('is idempotent', () => {
    const once = normaliseEmail('Ｊörg.X+tag@Bücher.de');
    expect(once).toBe('jörg.x@xn--bcher-kva.de');
    expect(normaliseEmail(once!)).toBe(once);
  });
});

describe('displayName', () => {
  it('keeps letters and case in any script', () => {
    expect(displayName('Анна Каренина')).toBe('Анна Каренина');
    expect(displayName('王小明')).toBe('王小明');
    expect(displayName('محمد علي')).toBe('محمد علي');
    expect(displayName('José DE la Cruz')).toBe('José DE la Cruz');
  });

  it('applies NFKC', () => {
    expect(displayName('Ｊａｎ')).toBe('Jan');
    expect(displayName('ﬁona')).toBe('fiona');
    // Decomposed e + combining acute becomes the single precomposed letter.
    expect(displayName('Jose\u0301')).toBe('Jos\u00e9');
  });

  it('removes bidi controls', () => {
    expect(displayName('\u202EnaJ\u202C')).toBe('naJ');
    expect(displayName('\u2067محمد\u2069 \u200EJan\u200F\u061C')).toBe('محمد Jan');
    expect(displayName('A\u202AB\u202BC\u202DD\u2066E\u2068F')).toBe('ABCDEF');
  });

  it('removes zero-width space and BOM without splitting the word', () => {
    expect(displayName('\uFEFFJa\u200Bn\uFEFFsen')).toBe('Jansen');
  });

  it('keeps zero-width joiners, which are part of some spellings', () => {
    expect(displayName('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it('removes control characters', () => {
    expect(displayName('Ja\u0000n\u0007 \u001BJansen\u007F')).toBe('Jan Jansen');
  });

  it('turns tabs and newlines into spaces and collapses whitespace', () => {
    expect(displayName('  Jan\t\tvan\r\nder   Berg\u00A0\u3000Smit  ')).toBe('Jan van der Berg Smit');
  });

  it('collapses the spaces left around a removed control', () => {
    expect(displayName('Jan \u0001 Jansen')).toBe('Jan Jansen');
  });
});

describe('caseFold', () => {
  it('folds case', () => {
    expect(caseFold('Jan JANSEN')).toBe('jan jansen');
    expect(caseFold('АННА')).toBe('анна');
  });

  it('maps ß to ss', () => {
    expect(caseFold('Straße')).toBe('strasse');
    expect(caseFold('STRASSE')).toBe(caseFold('straße'));
  });

  it('maps every sigma, including final ς, to σ', () => {
    expect(caseFold('ς')).toBe('σ');
    expect(caseFold('ΣΟΦΟΣ')).toBe('σοφοσ');
    expect(caseFold('σοφος')).toBe('σοφοσ');
  });

  it('applies NFKC first', () => {
    expect(caseFold('ＪＡＮ')).toBe('jan');
  });

  it('is idempotent', () => {
    for (const s of ['ǰ', 'Straße', 'ΣΟΦΟΣ', 'İstanbul', 'ﬀ']) {
      expect(caseFold(caseFold(s))).toBe(caseFold(s));
    }
  });
});

describe('normalisePostcode', () => {
  it('makes "1234 ab" and "1234-AB" equal', () => {
    expect(normalisePostcode('1234 ab')).toBe('1234AB');
    expect(normalisePostcode('1234-AB')).toBe('1234AB');
  });

  it('handles full-width digits, Unicode dashes and surrounding space', () => {
    expect(normalisePostcode('１２３４\u00A0ＡＢ')).toBe('1234AB');
    expect(normalisePostcode(' 100\u2010 0001 ')).toBe('1000001');
    expect(normalisePostcode('sw1a 1aa')).toBe('SW1A1AA');
  });

  it('returns an empty string for blank input', () => {
    expect(normalisePostcode(' - ')).toBe('');
  });
});

describe('normaliseCity', () => {
  it('removes controls, collapses whitespace and folds case', () => {
    expect(normaliseCity('  Den\u200B  HAAG\t')).toBe('den haag');
    expect(normaliseCity('GIEßEN')).toBe('giessen');
    expect(normaliseCity('Москва')).toBe('москва');
  });
});

describe('dedupeKey', () => {
  const base = { name: 'Jan Jansen', country: 'NL' };

  it('uses the normalised e-mail when valid', () => {
    expect(dedupeKey({ ...base, email: 'J.Jansen+x@GoogleMail.com', postcode: '1234 AB' })).toBe(
      'e:jjansen@gmail.com',
    );
  });

  it('ignores name and place when the e-mail is valid', () => {
    const a = dedupeKey({ name: 'Jan', country: 'NL', email: 'jan@example.nl', postcode: '1' });
    const b = dedupeKey({ name: 'Other', country: 'DE', email: 'JAN@example.nl', city: 'Berlin' });
    expect(a).toBe('e:jan@example.nl');
    expect(b).toBe(a);
  });

  it('falls back to name, country and postcode when the e-mail is invalid', () => {
    expect(dedupeKey({ ...base, email: 'a@b', postcode: '1234 ab' })).toBe('n:jan jansen|NL|1234AB');
  });

  it('uses name, country and postcode when there is no e-mail', () => {
    const a = dedupeKey({ name: ' JAN\u200E  jansen ', country: 'NL', postcode: '1234-AB' });
    const b = dedupeKey({ name: 'jan jansen', country: 'NL', postcode: '1234 ab', email: '' });
    expect(a).toBe('n:jan jansen|NL|1234AB');
    expect(b).toBe(a);
  });

  it('prefers the postcode over the city', () => {
    expect(dedupeKey({ ...base, postcode: '1234AB', city: 'Amsterdam' })).toBe('n:jan jansen|NL|1234AB');
  });

  it('uses the city when the postcode is empty or blank', () => {
    expect(dedupeKey({ ...base, postcode: null, city: ' AMSTERDAM ' })).toBe('n:jan jansen|NL|amsterdam');
    expect(dedupeKey({ ...base, postcode: '  ', city: 'Amsterdam' })).toBe('n:jan jansen|NL|amsterdam');
  });

  it('case-folds the name (ß, final sigma)', () => {
    expect(dedupeKey({ name: 'Jürgen STRAßE', country: 'DE', city: 'Köln' })).toBe(
      'n:jürgen strasse|DE|köln',
    );
    expect(dedupeKey({ name: 'ΝΙΚΟΣ', country: 'GR', postcode: '105 57' })).toBe('n:νικοσ|GR|10557');
  });

  it('keeps the country as given', () => {
    expect(dedupeKey({ ...base, country: 'BE', postcode: '1000' })).toBe('n:jan jansen|BE|1000');
  });

  it('returns null for a row with neither e-mail nor postcode/city', () => {
    expect(dedupeKey({ ...base })).toBeNull();
    expect(dedupeKey({ ...base, email: 'not-an-email', postcode: '', city: ' ' })).toBeNull();
  });

  it('returns null when there is no name to key on', () => {
    expect(dedupeKey({ name: ' \u200B ', country: 'NL', postcode: '1234AB' })).toBeNull();
  });

  it('still keys a nameless row by a valid e-mail', () => {
    expect(dedupeKey({ name: '', country: 'NL', email: 'x@example.org' })).toBe('e:x@example.org');
  });
});

describe('hashDedupeKey', () => {
  const secret = Buffer.from('deployment-secret');

  it('is HMAC-SHA-256 of the key', () => {
    const hash = hashDedupeKey(secret, 'e:jan@example.com');
    expect(hash).toHaveLength(32);
    // Computed independently: printf 'e:jan@example.com' | openssl dgst -sha256 -hmac deployment-secret
    expect(hash.toString('hex')).toBe('50bb14beca344ecef6859ad7bc0dd657462df5193904041716d96aef63af9235');
  });

  it('differs by key and by secret', () => {
    const a = hashDedupeKey(secret, 'e:jan@example.com');
    expect(hashDedupeKey(secret, 'e:jan@example.org').equals(a)).toBe(false);
    expect(hashDedupeKey(Buffer.from('other'), 'e:jan@example.com').equals(a)).toBe(false);
    expect(hashDedupeKey(secret, 'e:jan@example.com').equals(a)).toBe(true);
  });

  it('hashes the key as UTF-8', () => {
    // printf 'n:jörg|DE|10115' | openssl dgst -sha256 -hmac deployment-secret
    expect(hashDedupeKey(secret, 'n:jörg|DE|10115').toString('hex')).toBe(
      '894a1a5f7e1ab561f3457edef77a6b6934bb84c4516798fd58d2765552391a54',
    );
  });
});
