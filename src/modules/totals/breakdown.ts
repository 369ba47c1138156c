/**
 * Builds the totals view from counter cells. Every breakdown sums the same cells, so the online total equals
 * the sum by section, by country, by delivery point and by day (invariant 3). Tallies (paper signatures) are
 * reported beside them and added only to the headline total.
 */
export interface CountCell {
  section: string;
  country: string;
  deliveryPoint: string;
  day: string;
  count: number;
}

export interface TallyCell {
  section: string;
  country: string;
  deliveryPoint: string;
  count: number;
}

export interface Share {
  online: number;
  offline: number;
}

export interface Totals {
  campaign: string;
  /** Set when the totals are one section's share (a coordinator's view). */
  section?: string;
  total: number;
  online: number;
  offline: number;
  goal: number;
  progress: number;
  updatedAt: string | null;
  frozenAt: string | null;
  byCountry: ({ country: string } & Share)[];
  bySection: ({ section: string } & Share)[];
  byDeliveryPoint: ({ deliveryPoint: string } & Share)[];
  byDay: { day: string; online: number }[];
  /** The totals at the freeze for the day of action (what the packs show), or null before a freeze. */
  frozen: FrozenTotals | null;
  /** What changed since the freeze: batches that arrived (or were retracted) after it. */
  afterFreeze: { total: number; online: number; offline: number } | null;
}

export type FrozenTotals = Pick<Totals, 'total' | 'online' | 'offline' | 'byCountry' | 'bySection' | 'byDeliveryPoint' | 'byDay'>;

/** The counter cells and tallies copied at the freeze. */
export interface FrozenCells {
  cells: CountCell[];
  tallies: TallyCell[];
}

export interface TotalsMeta {
  campaign: string;
  goal: number;
  updatedAt: Date | null;
  frozenAt: Date | null;
  section?: string;
}

/** Live totals, and the frozen ones beside them once the campaign is frozen (limited to `meta.section` if set). */
export function buildTotals(cells: CountCell[], tallies: TallyCell[], meta: TotalsMeta, frozenCells: FrozenCells | null = null): Totals {
  const live = breakdown(cells, tallies, meta);
  if (!frozenCells) return live;
  const inView = (cell: { section: string }) => !meta.section || cell.section === meta.section;
  const { total, online, offline, byCountry, bySection, byDeliveryPoint, byDay } = breakdown(frozenCells.cells.filter(inView), frozenCells.tallies.filter(inView), meta);
  return {
    ...live,
    frozen: { total, online, offline, byCountry, bySection, byDeliveryPoint, byDay },
    afterFreeze: { total: live.total - total, online: live.online - online, offline: live.offline - offline },
  };
}

function breakdown(cells: CountCell[], tallies: TallyCell[], meta: TotalsMeta): Totals {
  const online = sum(cells);
  const offline = sum(tallies);
  const total = online + offline;
  return {
    campaign: meta.campaign,
    ...(meta.section ? { section: meta.section } : {}),
    total,
    online,
    offline,
    goal: meta.goal,
    progress: meta.goal > 0 ? Math.round((total / meta.goal) * 10000) / 10000 : 0,
    updatedAt: meta.updatedAt?.toISOString() ?? null,
    frozenAt: meta.frozenAt?.toISOString() ?? null,
    byCountry: shares(cells, tallies, 'country').map(([country, s]) => ({ country, ...s })),
    bySection: shares(cells, tallies, 'section').map(([section, s]) => ({ section, ...s })),
    byDeliveryPoint: shares(cells, tallies, 'deliveryPoint').map(([deliveryPoint, s]) => ({ deliveryPoint, ...s })),
    byDay: [...group(cells, 'day')]
      .filter(([, online]) => online !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, online]) => ({ day, online })),
    frozen: null,
    afterFreeze: null,
  };
}

function sum(cells: { count: number }[]): number {
  return cells.reduce((n, c) => n + c.count, 0);
}

function group<T extends { count: number }>(cells: T[], key: keyof T): Map<string, number> {
  const totals = new Map<string, number>();
  for (const cell of cells) totals.set(String(cell[key]), (totals.get(String(cell[key])) ?? 0) + cell.count);
  return totals;
}

/** Online and offline per key, largest first (then by key), leaving out keys with nothing. */
function shares(cells: CountCell[], tallies: TallyCell[], key: 'country' | 'section' | 'deliveryPoint'): [string, Share][] {
  const online = group(cells, key);
  const offline = group(tallies, key);
  const keys = new Set([...online.keys(), ...offline.keys()]);
  return [...keys]
    .map((k): [string, Share] => [k, { online: online.get(k) ?? 0, offline: offline.get(k) ?? 0 }])
    .filter(([, s]) => s.online + s.offline !== 0)
    .sort(([ka, a], [kb, b]) => b.online + b.offline - (a.online + a.offline) || ka.localeCompare(kb));
}

/** What a campaign's web page shows: no personal data, no breakdown. */
export interface PublicCounter {
  total: number;
  goal: number;
  updatedAt: string | null;
}

export function publicCounter(totals: Pick<Totals, 'total' | 'goal' | 'updatedAt'>): PublicCounter {
  return { total: totals.total, goal: totals.goal, updatedAt: totals.updatedAt };
}
