import {
  CANONICAL_FIELDS,
  CanonicalField,
  HEADER_ALIASES,
  mapHeaders,
  normaliseHeader,
} from '../../src/modules/ingest/reading/header-mapping';

describe('normaliseHeader', () => {
  it('ignores case, accents, spacing and punctuation', () => {
    expect(normaliseHeader('Prénom')).toBe('prenom');
    expect(normaliseHeader(' PRENOM ')).toBe('prenom');
    expect(normaliseHeader('pre-nom')).toBe('prenom');
    expect(normaliseHeader('E-Mail_Address')).toBe('emailaddress');
    expect(normaliseHeader('Código Postal')).toBe('codigopostal');
  });

  it('strips a leading BOM', () => {
    expect(normaliseHeader('\uFEFFEmail')).toBe('email');
  });

  it('folds Turkish dotted and dotless i together', () => {
    expect(normaliseHeader('Soyadı')).toBe('soyadi');
    expect(normaliseHeader('SOYADI')).toBe('soyadi');
    expect(normaliseHeader('ŞEHİR')).toBe('sehir');
  });

  it('keeps CJK characters and full-width forms as letters', () => {
    expect(normaliseHeader(' 电子 邮件 ')).toBe('电子邮件');
    expect(normaliseHeader('ＥＭＡＩＬ')).toBe('email');
  });
});

describe('HEADER_ALIASES', () => {
  it('never lists the same normalised alias under two fields', () => {
    const fieldOf = new Map<string, CanonicalField>();
    const clashes: string[] = [];
    for (const field of CANONICAL_FIELDS) {
      for (const alias of HEADER_ALIASES[field]) {
        const key = normaliseHeader(alias);
        const other = fieldOf.get(key);
        if (other !== undefined && other !== field) clashes.push(`${alias}: ${other} and ${field}`);
        fieldOf.set(key, field);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('has no alias that normalises to nothing', () => {
    const empty = CANONICAL_FIELDS.flatMap((f) => HEADER_ALIASES[f]).filter((a) => normaliseHeader(a) === '');
    expect(empty).toEqual([]);
  });

  it('maps every alias back to its own field', () => {
    // A name alias is paired with its counterpart so the ambiguous-name rules leave it alone.
    const companion: Partial<Record<CanonicalField, string>> = { first_name: 'Last name', last_name: 'First name' };
    const wrong: string[] = [];
    for (const field of CANONICAL_FIELDS) {
      for (const alias of HEADER_ALIASES[field]) {
        const headers = companion[field] ? [alias, companion[field]!] : [alias];
        if (mapHeaders(headers).columns[field] !== 0) wrong.push(`${field}: ${alias}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('mapHeaders', () => {
  const fieldsOf = (headers: string[]) => {
    const { columns } = mapHeaders(headers);
    return Object.fromEntries(Object.entries(columns).map(([field, i]) => [field, headers[i!]]));
  };

  it('maps an English export', () => {
    expect(
      fieldsOf(['First Name', 'Last Name', 'Email Address', 'Country', 'State', 'ZIP Code', 'City', 'Signed At', 'Opt-in', 'ID']),
    ).toEqual({
      first_name: 'First Name',
      last_name: 'Last Name',
      email: 'Email Address',
      country: 'Country',
      region: 'State',
      postcode: 'ZIP Code',
      city: 'City',
      signed_at: 'Signed At',
      consent: 'Opt-in',
      external_id: 'ID',
    });
  });

  it('maps a Dutch export', () => {
    expect(fieldsOf(['Voornaam', 'Achternaam', 'E-mailadres', 'Land', 'Provincie', 'Postcode', 'Woonplaats', 'Datum', 'Toestemming'])).toEqual({
      first_name: 'Voornaam',
      last_name: 'Achternaam',
      email: 'E-mailadres',
      country: 'Land',
      region: 'Provincie',
      postcode: 'Postcode',
      city: 'Woonplaats',
      signed_at: 'Datum',
      consent: 'Toestemming',
    });
  });

  it('maps a French export, with "Nom" as the family name', () => {
    expect(fieldsOf(['Prénom', 'Nom', 'Courriel', 'Pays', 'Région', 'Code postal', 'Ville', 'Date de signature', 'Consentement'])).toEqual({
      first_name: 'Prénom',
      last_name: 'Nom',
      email: 'Courriel',
      country: 'Pays',
      region: 'Région',
      postcode: 'Code postal',
      city: 'Ville',
      signed_at: 'Date de signature',
      consent: 'Consentement',
    });
  });

  it('maps a German export', () => {
    expect(fieldsOf(['Vorname', 'Nachname', 'E-Mail', 'Land', 'Bundesland', 'PLZ', 'Ort', 'Datum', 'Einwilligung'])).toEqual({
      first_name: 'Vorname',
      last_name: 'Nachname',
      email: 'E-Mail',
      country: 'Land',
      region: 'Bundesland',
      postcode: 'PLZ',
      city: 'Ort',
      signed_at: 'Datum',
      consent: 'Einwilligung',
    });
  });

  it('maps a Spanish export, with "Nombre" as the given name', () => {
    expect(fieldsOf(['Nombre', 'Apellidos', 'Correo electrónico', 'País', 'Provincia', 'Código postal', 'Ciudad', 'Fecha', 'Consentimiento'])).toEqual({
      first_name: 'Nombre',
      last_name: 'Apellidos',
      email: 'Correo electrónico',
      country: 'País',
      region: 'Provincia',
      postcode: 'Código postal',
      city: 'Ciudad',
      signed_at: 'Fecha',
      consent: 'Consentimiento',
    });
  });

  it('maps a Brazilian Portuguese export', () => {
    expect(fieldsOf(['Nome', 'Sobrenome', 'E-mail', 'País', 'Estado', 'CEP', 'Cidade', 'Data', 'Consentimento'])).toEqual({
      first_name: 'Nome',
      last_name: 'Sobrenome',
      email: 'E-mail',
      country: 'País',
      region: 'Estado',
      postcode: 'CEP',
      city: 'Cidade',
      signed_at: 'Data',
      consent: 'Consentimento',
    });
  });

  it('maps a Turkish export, upper-cased without Turkish letters', () => {
    expect(fieldsOf(['AD', 'SOYADI', 'E-POSTA', 'ULKE', 'IL', 'POSTA KODU', 'SEHIR', 'TARIH', 'IZIN'])).toEqual({
      first_name: 'AD',
      last_name: 'SOYADI',
      email: 'E-POSTA',
      country: 'ULKE',
      region: 'IL',
      postcode: 'POSTA KODU',
      city: 'SEHIR',
      signed_at: 'TARIH',
      consent: 'IZIN',
    });
    expect(fieldsOf(['Ad Soyad', 'E-posta', 'Ülke', 'Şehir'])).toEqual({
      full_name: 'Ad Soyad',
      email: 'E-posta',
      country: 'Ülke',
      city: 'Şehir',
    });
  });

  it('maps simplified Chinese headers', () => {
    expect(fieldsOf(['姓', '名', '电子邮件', '国家', '省', '邮编', '城市', '日期', '同意'])).toEqual({
      last_name: '姓',
      first_name: '名',
      email: '电子邮件',
      country: '国家',
      region: '省',
      postcode: '邮编',
      city: '城市',
      signed_at: '日期',
      consent: '同意',
    });
  });

  it('maps traditional Chinese headers', () => {
    expect(fieldsOf(['姓名', '電子郵件', '國家', '郵遞區號', '城市'])).toEqual({
      full_name: '姓名',
      email: '電子郵件',
      country: '國家',
      postcode: '郵遞區號',
      city: '城市',
    });
  });

  it('matches regardless of case, accents, spacing and punctuation', () => {
    expect(fieldsOf(['PRENOM', ' nom ', 'E_MAIL', 'code-postal', 'VILLE'])).toEqual({
      first_name: 'PRENOM',
      last_name: ' nom ',
      email: 'E_MAIL',
      postcode: 'code-postal',
      city: 'VILLE',
    });
  });

  it('lets the first column win when two map to the same field', () => {
    const { columns, unknownHeaders } = mapHeaders(['Email', 'Name', 'E-mail address']);
    expect(columns.email).toBe(0);
    expect(unknownHeaders).toEqual([]);
  });

  it('lists headers that map to nothing, except blank ones', () => {
    const { columns, unknownHeaders } = mapHeaders(['Name', 'Email', 'Favourite colour', '', '  ', 'Newsletter']);
    expect(columns).toEqual({ full_name: 0, email: 1 });
    expect(unknownHeaders).toEqual(['Favourite colour', 'Newsletter']);
  });

  it('returns nothing for an empty header row', () => {
    expect(mapHeaders([])).toEqual({ columns: {}, unknownHeaders: [], missingExplicit: [] });
  });

  describe('ambiguous name columns', () => {
    it('reads a bare "Name"/"Naam" next to a first-name column as the surname', () => {
      expect(fieldsOf(['Vorname', 'Name', 'E-Mail'])).toEqual({
        first_name: 'Vorname',
        last_name: 'Name',
        email: 'E-Mail',
      });
      expect(fieldsOf(['Voornaam', 'Naam'])).toEqual({ first_name: 'Voornaam', last_name: 'Naam' });
    });

    it('keeps "Name" as the full name when there is also a last-name column', () => {
      expect(fieldsOf(['First name', 'Last name', 'Name'])).toEqual({
        first_name: 'First name',
        last_name: 'Last name',
        full_name: 'Name',
      });
    });

    it('keeps an unambiguous full-name header as the full name', () => {
      expect(fieldsOf(['Voornaam', 'Volledige naam'])).toEqual({
        first_name: 'Voornaam',
        full_name: 'Volledige naam',
      });
    });

    it('reads "Nombre", "Nome", "Nom" or 名字 as the full name when it is the only name column', () => {
      expect(fieldsOf(['Nombre', 'Correo'])).toEqual({ full_name: 'Nombre', email: 'Correo' });
      expect(fieldsOf(['Nome', 'Email'])).toEqual({ full_name: 'Nome', email: 'Email' });
      expect(fieldsOf(['Nom', 'Courriel'])).toEqual({ full_name: 'Nom', email: 'Courriel' });
      expect(fieldsOf(['名字', '邮箱'])).toEqual({ full_name: '名字', email: '邮箱' });
    });

    it('leaves an unambiguous lone first-name column alone', () => {
      expect(fieldsOf(['First name', 'Email'])).toEqual({ first_name: 'First name', email: 'Email' });
    });
  });

  describe('explicit mapping', () => {
    it('maps a header no alias knows', () => {
      const result = mapHeaders(['Naam ondertekenaar', 'Contact'], { full_name: 'Naam ondertekenaar', email: 'contact' });
      expect(result).toEqual({ columns: { full_name: 0, email: 1 }, unknownHeaders: [], missingExplicit: [] });
    });

    it('matches the header after normalisation', () => {
      expect(mapHeaders(['Adresse électronique'], { email: 'ADRESSE ELECTRONIQUE' }).columns).toEqual({ email: 0 });
    });

    it('overrides the alias for its field', () => {
      const { columns } = mapHeaders(['Email', 'Work email'], { email: 'Work email' });
      expect(columns.email).toBe(1);
    });

    it('takes its column away from the field the alias would give it', () => {
      const { columns } = mapHeaders(['Voornaam', 'Naam', 'Achternaam'], { first_name: 'Naam', last_name: 'Achternaam' });
      expect(columns).toEqual({ first_name: 1, last_name: 2 });
    });

    it('is never reinterpreted as another name field', () => {
      const { columns } = mapHeaders(['Vorname', 'Name'], { full_name: 'Name' });
      expect(columns).toEqual({ first_name: 0, full_name: 1 });
    });

    it('reports explicit headers that are not in the file and falls back to aliases', () => {
      const result = mapHeaders(['Courriel', 'Pays'], { email: 'E-mail', country: 'Land', city: '' });
      expect(result.missingExplicit).toEqual(['E-mail', 'Land', '']);
      expect(result.columns).toEqual({ email: 0, country: 1 });
    });
  });
});
