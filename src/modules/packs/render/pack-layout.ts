import { Align } from './pdf-text';

/** Page geometry of a pack, in PDF points (1/72 inch). Pure arithmetic, so page counts are known up front. */

export type PaperSize = 'A4' | 'Letter';

export const PAPER: Record<PaperSize, { width: number; height: number }> = {
  A4: { width: 595.28, height: 841.89 },
  Letter: { width: 612, height: 792 },
};

export const MARGIN = 48;
export const ROW_HEIGHT = 15;
export const ROW_TEXT_SIZE = 9;

export interface Column {
  x: number;
  width: number;
  align: Align;
}

export interface ListGeometry {
  titleBaseline: number;
  headerBaseline: number;
  headerRuleY: number;
  firstRowBaseline: number;
  footerBaseline: number;
  rowsPerPage: number;
  columns: Record<'number' | 'name' | 'city' | 'country' | 'signedAt', Column>;
}

// Share of the text width per column, and the gap between columns.
const COLUMN_SHARES = { number: 0.09, name: 0.37, city: 0.2, country: 0.19, signedAt: 0.15 } as const;
const COLUMN_GAP = 6;

export function listGeometry(paper: PaperSize): ListGeometry {
  const { width, height } = PAPER[paper];
  const textWidth = width - 2 * MARGIN;
  const titleBaseline = MARGIN + 12;
  const headerBaseline = titleBaseline + 26;
  const headerRuleY = headerBaseline + 5;
  const firstRowBaseline = headerRuleY + ROW_HEIGHT;
  const footerBaseline = height - MARGIN + 20;
  const rowsPerPage = Math.floor((height - MARGIN - firstRowBaseline) / ROW_HEIGHT) + 1;

  let x = MARGIN;
  const column = (share: number, align: Align): Column => {
    const c = { x, width: textWidth * share - COLUMN_GAP, align };
    x += textWidth * share;
    return c;
  };
  const columns = {
    number: column(COLUMN_SHARES.number, 'right'),
    name: column(COLUMN_SHARES.name, 'left'),
    city: column(COLUMN_SHARES.city, 'left'),
    country: column(COLUMN_SHARES.country, 'left'),
    signedAt: column(COLUMN_SHARES.signedAt, 'left'),
  };
  return { titleBaseline, headerBaseline, headerRuleY, firstRowBaseline, footerBaseline, rowsPerPage, columns };
}

export function listPageCount(rows: number, paper: PaperSize): number {
  return Math.max(1, Math.ceil(rows / listGeometry(paper).rowsPerPage));
}

export interface Volume {
  volume: number;
  volumes: number;
  /** First and last list number in this volume (1-based, inclusive); `to` < `from` for an empty pack. */
  from: number;
  to: number;
}

/** Splits a list of `rows` signatures into volumes of at most `size` (one volume when no size is given). */
export function splitIntoVolumes(rows: number, size: number | null): Volume[] {
  const count = size && rows > size ? Math.ceil(rows / size) : 1;
  const per = count === 1 ? rows : size!;
  return Array.from({ length: count }, (_, i) => ({ volume: i + 1, volumes: count, from: i * per + 1, to: Math.min(rows, (i + 1) * per) }));
}
