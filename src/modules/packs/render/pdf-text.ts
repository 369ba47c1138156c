import PDFDocument from 'pdfkit';
import { FONT_FILES, FontBook, FontId } from './fonts';
import { TextRun, visualLine } from './text-runs';

export type Align = 'left' | 'right' | 'center';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

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

/** Space between the lines of a paragraph, as a share of the font size. */
const LINE_GAP = 0.35;

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

  /** Filled rectangles (stripes, a box), one path. Draw filled shapes only through here, or the text may take their colour. */
  rects(boxes: Box[], color: string): void {
    if (boxes.length === 0) return;
    for (const b of boxes) this.doc.rect(b.x, b.y, b.width, b.height);
    this.doc.fill(color);
    this.fill = color;
  }

  /** One line with its baseline at `y`, starting at `x` (or aligned within `width`). */
  line(text: string, x: number, y: number, options: LineOptions, chain: FontId[] = this.chain): void {
    if (text === '') return;
    const line = visualLine(text, options.bold ? ['latinBold', ...chain] : chain, this.fonts);
    this.missingGlyphs += line.missing;
    let size = options.size;
    const widths = this.runWidths(line.runs, size);
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
   * A wrapped paragraph at the document's cursor, flowing onto new pages as needed. Left-to-right text is
   * wrapped by pdfkit, changing font run by run; a right-to-left paragraph is wrapped here (see rightToLeft).
   */
  paragraph(text: string, x: number, options: ParagraphOptions): void {
    const chain = options.bold ? ['latinBold' as const, ...this.chain] : this.chain;
    const line = visualLine(text, chain, this.fonts);
    if (line.rtl) {
      this.rightToLeft(text, x, options, chain);
    } else {
      this.missingGlyphs += line.missing;
      this.fillColor(options.color ?? INK);
      this.doc.fontSize(options.size);
      const last = line.runs.length - 1;
      line.runs.forEach((run, i) => {
        this.doc.font(run.font);
        const layout = { width: options.width, lineGap: options.size * LINE_GAP, continued: i < last };
        if (i === 0) this.doc.text(run.text, x, this.doc.y, layout);
        else this.doc.text(run.text, layout);
      });
    }
    this.doc.y += options.gap ?? 0;
  }

  /**
   * pdfkit wraps a paragraph as if it ran left to right, and reordering a whole wrapped paragraph would put its
   * first words on its last line and reverse its numbers. So a right-to-left paragraph is broken into lines
   * here, in logical order, and each line is reordered on its own by `line` (bidi per line, as UAX #9 asks).
   */
  private rightToLeft(text: string, x: number, options: ParagraphOptions, chain: FontId[]): void {
    // Line spacing from the Latin face, as pdfkit spaces left-to-right paragraphs: Arabic faces are much taller.
    const face = this.fonts.face('latin');
    const ascent = (face.ascent / face.unitsPerEm) * options.size;
    const lineHeight = ((face.ascent - face.descent + face.lineGap) / face.unitsPerEm) * options.size + options.size * LINE_GAP;
    const fits = (candidate: string) => this.width(visualLine(candidate, chain, this.fonts).runs, options.size) <= options.width;
    const draw = (lineText: string) => {
      if (this.doc.y + lineHeight > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
      this.line(lineText, x, this.doc.y + ascent, { size: options.size, width: options.width, align: 'right', color: options.color }, chain);
      this.doc.y += lineHeight;
    };
    for (const hardLine of text.split('\n')) {
      let current = '';
      for (const word of hardLine.split(/\s+/).filter(Boolean)) {
        const candidate = current ? `${current} ${word}` : word;
        if (current && !fits(candidate)) {
          draw(current);
          current = word;
        } else {
          current = candidate;
        }
      }
      draw(current);
    }
  }

  private runWidths(runs: TextRun[], size: number): number[] {
    return runs.map((run) => this.doc.font(run.font).fontSize(size).widthOfString(run.text));
  }

  private width(runs: TextRun[], size: number): number {
    return this.runWidths(runs, size).reduce((a, b) => a + b, 0);
  }

  private fillColor(color: string): void {
    if (color === this.fill) return;
    this.doc.fillColor(color);
    this.fill = color;
  }
}

/** pdfkit copies its options, so one object serves every call. */
const ONE_LINE = { lineBreak: false, baseline: 'alphabetic' } as const;

export function newDocument(paper: 'A4' | 'Letter', title: string, margin: number): PDFKit.PDFDocument {
  return new PDFDocument({ size: paper === 'Letter' ? 'LETTER' : 'A4', margin, autoFirstPage: false, info: { Title: title, Creator: 'Handin' } });
}
