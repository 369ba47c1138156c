import { buildTotals, CountCell } from '../../src/modules/totals/breakdown';

describe('buildTotals', () => {
  const cells: CountCell[] = [
    { section: 'NL', country: 'NL', deliveryPoint: 'HAGUE', day: '2017-05-02', count: 5 },
    { section: 'NL', country: 'RU', deliveryPoint: 'HAGUE', day: '2017-05-01', count: 2 },
    { section: 'DE', country: 'DE', deliveryPoint: 'BERLIN', day: '2017-05-02', count: 3 },
    { section: 'DE', country: 'NL', deliveryPoint: 'HAGUE', day: '2017-05-03', count: 0 },
  ];
  const tallies = [{ section: 'DE', country: 'DE', deliveryPoint: 'BERLIN', count: 100 }];
  const totals = buildTotals(cells, tallies, { campaign: 'c', goal: 1000, updatedAt: new Date('2017-06-01T00:00:00Z'), frozenAt: null });

  it('adds tallies to the headline total only', () => {
    expect(totals).toMatchObject({ total: 110, online: 10, offline: 100, progress: 0.11, updatedAt: '2017-06-01T00:00:00.000Z' });
  });
  it('makes every breakdown sum to the online total', () => {
    for (const items of [totals.byCountry, totals.bySection, totals.byDeliveryPoint, totals.byDay]) {
      expect(items.reduce((n, i) => n + i.online, 0)).toBe(10);
    }
  });
  it('orders breakdowns largest first and days by date, leaving out empty entries', () => {
    expect(totals.bySection).toEqual([
      { section: 'DE', online: 3, offline: 100 },
      { section: 'NL', online: 7, offline: 0 },
    ]);
    expect(totals.byDay.map((d) => d.day)).toEqual(['2017-05-01', '2017-05-02']);
  });
  it('reports no progress for a campaign without a goal', () => {
    expect(buildTotals([], [], { campaign: 'c', goal: 0, updatedAt: null, frozenAt: null }).progress).toBe(0);
  });
});
