import PDFDocument from 'pdfkit';
import { FONT_FILES, FontBook, FontId } from './fonts';
import { visualLine } from './text-runs';

export type Align = 'left' | 'right' | 'center';

export interface LineOptions {
  size: number;
  /** Width the text must fit in; longer text is set smaller rather than cut, so no name is lost. */
  width: number;
  align?: Align;
  bold?: boolean;
  color?: string;
}

export interface ParagraphOptions {
  size: number;
  width: number;
  bold?: boolean;
  color?: string;
  /** Space after the paragraph, in points. */
  gap?: number;
}

/** Smallest size a squeezed line may get; below it a name would be unreadable, so it is clipped instead. */
const MIN_SQUEEZED_SIZE = 4.5;

/** The colour of text unless told otherwise. */
export const INK = '#111111';

/**
 * Text on a pdfkit document in any script: fonts chosen per character from a fallback chain, bidi reordering,
 * one baseline for all fonts. Counts the characters no font could draw (`missingGlyphs`).
 *
 * pdfkit writes a fill colour (two long operators) every time it is asked to: for a list of signatures, about a
 * third of the page content. So this class sets it only when it changes. It knows the colour in force because
 * filled shapes are drawn through `rect`, and forgets it on a new page and at the end of a clipped line.
 */
export class PdfText {
  missingGlyphs = 0;
  /** The fill colour in force on the page; null when unknown (a new page, after a restored graphics state). */
  private fill: string | null = null;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    private readonly fonts: FontBook,
    private readonly chain: FontId[],
  ) {
    for (const id of Object.keys(FONT_FILES) as FontId[]) doc.registerFont(id, fonts.buffer(id));
    doc.on('pageAdded', () => (this.fill = null));
  }

  /** A filled rectangle (a stripe, a box). Draw filled shapes only through here, or the text may take their colour. */
  rect(x: number, y: number, width: number, height: number, color: string): void {
    this.doc.rect(x, y, width, height).fill(color);
    this.fill = color;
  }

  /** One line with its baseline at `y`, starting at `x` (or aligned within `width`). */
  line(text: string, x: number, y: number, options: LineOptions, chain: FontId[] = this.chain): void {
    if (text === '') return;
    const line = visualLine(text, options.bold ? ['latinBold', ...chain] : chain, this.fonts);
    this.missingGlyphs += line.missing;
    let size = options.size;
    const widths = line.runs.map((run) => this.doc.font(run.font).fontSize(size).widthOfString(run.text));
    let total = widths.reduce((a, b) => a + b, 0);
    if (total > options.width) {
      const squeezed = Math.max(MIN_SQUEEZED_SIZE, (size * options.width) / total);
      widths.forEach((w, i) => (widths[i] = (w * squeezed) / size));
      total = (total * squeezed) / size;
      size = squeezed;
    }
    const align = options.align ?? (line.rtl ? 'right' : 'left');
    let cursor = align === 'right' ? x + options.width - total : align === 'center' ? x + (options.width - total) / 2 : x;
    const clip = total > options.width;
    if (clip) this.doc.save().rect(x, y - size * 1.5, options.width, size * 2).clip();
    this.fillColor(options.color ?? INK);
    line.runs.forEach((run, i) => {
      this.doc.font(run.font).fontSize(size).text(run.text, cursor, y, ONE_LINE);
      cursor += widths[i];
    });
    if (clip) {
      this.doc.restore(); // back to the colour before save(), which may not be the one set after it
      this.fill = null;
    }
  }

  /**
   * A wrapped paragraph at the document's cursor, flowing onto new pages as needed. Left-to-right text changes
   * font run by run; a right-to-left paragraph is set right-aligned in the font of its script.
   */
  paragraph(text: string, x: number, options: ParagraphOptions): void {
    const line = visualLine(text, options.bold ? ['latinBold', ...this.chain] : this.chain, this.fonts);
    this.missingGlyphs += line.missing;
    this.fillColor(options.color ?? INK);
    this.doc.fontSize(options.size);
    const layout = { width: options.width, lineGap: options.size * 0.35 };
    if (line.rtl) {
      const font = mostUsedFont(line.runs);
      // With `features` set, pdfkit shapes each line whole (not word by word), so fontkit reverses it as a unit.
      this.doc.font(font).text(text, x, this.doc.y, { ...layout, align: 'right', features: [] });
    } else {
      const last = line.runs.length - 1;
      line.runs.forEach((run, i) => {
        this.doc.font(run.font);
        const options = { ...layout, continued: i < last };
        if (i === 0) this.doc.text(run.text, x, this.doc.y, options);
        else this.doc.text(run.text, options);
      });
    }
    this.doc.y += options.gap ?? 0;
  }

  private fillColor(color: string): void {
    if (color === this.fill) return;
    this.doc.fillColor(color);
    this.fill = color;
  }
}

/** pdfkit copies its options, so one object serves every call. */
const ONE_LINE = { lineBreak: false, baseline: 'alphabetic' } as const;

function mostUsedFont(runs: { text: string; font: FontId }[]): FontId {
  const length = new Map<FontId, number>();
  for (const run of runs) length.set(run.font, (length.get(run.font) ?? 0) + run.text.length);
  return [...length.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

export function newDocument(paper: 'A4' | 'Letter', title: string, margin: number): PDFKit.PDFDocument {
  return new PDFDocument({ size: paper === 'Letter' ? 'LETTER' : 'A4', margin, autoFirstPage: false, info: { Title: title, Creator: 'Handin' } });
}
