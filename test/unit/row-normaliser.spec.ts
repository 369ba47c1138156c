import { buildRouter } from '../../src/domain/routing';
import { hashDedupeKey } from '../../src/domain/dedupe-keys';
import { AcceptedRow, normaliseRow, RowRules } from '../../src/modules/ingest/reading/row-normaliser';

describe('normaliseRow', () => {
  const columns = { first_name: 0, last_name: 1, email: 2, country: 3, region: 4, postcode: 5, city: 6, signed_at: 7, consent: 8 };
  const rules: RowRules = {
    columns,
    sectionCountry: 'NL',
    sectionDeliveryPoint: 'HAGUE',
    route: buildRouter({ defaultDeliveryPoint: 'HAGUE', rules: [{ country: 'AU', region: 'NSW', deliveryPoint: 'SYDNEY' }] }),
    hmacSecret: Buffer.from('s'.repeat(32)),
    timezone: 'Europe/Amsterdam',
    dateFormat: 'dd/MM/yyyy',
    uploadedAt: new Date('2017-06-01T12:00:00Z'),
  };
  const row = (overrides: Partial<Record<keyof typeof columns, string>>) => {
    const values = ['Anna', 'de Vries', 'anna@example.org', 'NL', '', '1234 AB', 'Utrecht', '2017-05-30T10:00:00Z', 'yes'];
    for (const [k, v] of Object.entries(overrides)) values[columns[k as keyof typeof columns]] = v;
    return normaliseRow(values, rules);
  };

  it('accepts a complete row, keyed by the hashed normalised e-mail', () => {
    const result = row({}) as AcceptedRow;
    expect(result).toMatchObject({ displayName: 'Anna de Vries', country: 'NL', city: 'Utrecht', consent: true, deliveryPoint: 'HAGUE' });
    expect(result.signerKey.equals(hashDedupeKey(rules.hmacSecret, 'e:anna@example.org'))).toBe(true);
    expect(result.signedAt.toISOString()).toBe('2017-05-30T10:00:00.000Z');
  });

  it.each([
    [{ first_name: '', last_name: '' }, 'missing_name'],
    [{ first_name: 'x'.repeat(201) }, 'name_too_long'],
    [{ first_name: '12', last_name: '34' }, 'name_without_letter'],
    [{ email: 'anna@' }, 'invalid_email'],
    [{ country: 'Atlantis' }, 'unknown_country'],
    [{ signed_at: 'yesterday' }, 'invalid_signed_at'],
    [{ signed_at: '2017-06-03T12:00:01Z' }, 'signed_at_in_future'],
    [{ email: '', postcode: '', city: '' }, 'unidentifiable'],
  ])('rejects %j as %s', (overrides, reason) => {
    expect(row(overrides)).toBe(reason);
  });

  it('reads the batch date format and local times in the campaign zone', () => {
    expect((row({ signed_at: '30/05/2017' }) as AcceptedRow).signedAt.toISOString()).toBe('2017-05-29T22:00:00.000Z');
  });

  it('defaults an empty country to the section country and an empty date to the upload time', () => {
    const result = row({ country: '', signed_at: '' }) as AcceptedRow;
    expect(result.country).toBe('NL');
    expect(result.signedAt).toEqual(rules.uploadedAt);
  });

  it('treats anything but a yes in the consent column as no', () => {
    expect((row({ consent: 'no' }) as AcceptedRow).consent).toBe(false);
    expect((row({ consent: '' }) as AcceptedRow).consent).toBe(false);
    expect((row({ consent: 'Ja' }) as AcceptedRow).consent).toBe(true);
  });

  it('routes by country and region', () => {
    expect((row({ country: 'Australia', region: 'nsw' }) as AcceptedRow).deliveryPoint).toBe('SYDNEY');
  });
});
