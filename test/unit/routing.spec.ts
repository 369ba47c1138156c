import { buildRouter } from '../../src/domain/routing';

describe('routing: (country, region) rule → country rule → section default → campaign default', () => {
  const route = buildRouter({
    defaultDeliveryPoint: 'CAMPAIGN',
    rules: [
      { country: 'AU', deliveryPoint: 'CANBERRA' },
      { country: 'AU', region: 'NSW', deliveryPoint: 'SYDNEY' },
      { country: 'CA', region: 'QC', deliveryPoint: 'MONTREAL' },
    ],
  });

  it('prefers the region rule, matching regions case- and space-insensitively', () => {
    expect(route('AU', 'NSW', 'SECTION')).toBe('SYDNEY');
    expect(route('AU', ' nsw ', 'SECTION')).toBe('SYDNEY');
  });
  it('falls back to the country rule for another or no region', () => {
    expect(route('AU', 'VIC', 'SECTION')).toBe('CANBERRA');
    expect(route('AU', null, 'SECTION')).toBe('CANBERRA');
  });
  it('uses the section default when the country has only region rules that do not match', () => {
    expect(route('CA', 'ON', 'SECTION')).toBe('SECTION');
  });
  it('uses the campaign default when the section has none', () => {
    expect(route('NL', null, null)).toBe('CAMPAIGN');
  });
});
