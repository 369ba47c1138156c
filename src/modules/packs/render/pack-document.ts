import { once } from 'node:events';
import { Writable } from 'node:stream';
import { fallbackChain, FontBook, FontId, HanStyle, hanStyleForCountry, hanStyleForLanguage } from './fonts';
import { Column, listGeometry, ListGeometry, listPageCount, MARGIN, PAPER, PaperSize, ROW_HEIGHT, ROW_TEXT_SIZE, Volume } from './pack-layout';
import { fill, PackTexts, textsFor } from './pack-texts';
import { Box, INK, LineOptions, newDocument, PdfText } from './pdf-text';
import { ListRow, SignatureListFormat } from './signature-list';

/** Everything a pack says besides its list of names. */
export interface PackFacts {
  campaign: { title: string; targetGovernment: string; timezone: string };
  deliveryPoint: { code: string; kind: string; city: string; address: string; addressee: string; hostCountry: string; handInAt: Date | null; language: string };
  paper: PaperSize;
  counts: { online: number; offline: number; withheld: number; worldwide: number; countries: number };
  petitions: { title: string; language: string; addressees: string[]; body: string }[];
  generatedAt: Date;
  countsAt: Date;
  frozenAt: Date | null;
}

export interface RenderedVolume {
  pages: number;
  missingGlyphs: number;
}

const MUTED = '#5b5b5b';
const ACCENT = '#0b4f8a';
const RULE = '#9a9a9a';
const STRIPE = '#f1f1f1';

/**
 * Writes one volume of a hand-in pack as a PDF stream: cover, the petition texts, the numbered signature list
 * (header row and "page x of y" on every page) and a closing page with the reconciled counts. Rows are added
 * one at a time and pages are flushed as they fill, so memory stays flat whatever the number of signatures.
 */
export class PackDocument {
  private readonly doc: PDFKit.PDFDocument;
  private readonly text: PdfText;
  private readonly texts: PackTexts;
  private readonly language: string;
  private readonly list: ListGeometry;
  private readonly format: SignatureListFormat;
  private readonly numbers: Intl.NumberFormat;
  private readonly chains = new Map<HanStyle, FontId[]>();
  private readonly listPages: number;
  /** How each cell of a list row is set, made once rather than for each of a pack's ~500,000 cells. */
  private readonly cells: Record<keyof ListGeometry['columns'] | 'withheldName', LineOptions>;
  private pages = 0;
  private listPage = 0;
  private rowOnPage = 0;

  constructor(
    private readonly output: Writable,
    private readonly facts: PackFacts,
    private readonly volume: Volume,
    fonts: FontBook,
  ) {
    ({ language: this.language, texts: this.texts } = textsFor(facts.deliveryPoint.language));
    this.doc = newDocument(facts.paper, `${facts.campaign.title} — ${facts.deliveryPoint.code}`, MARGIN);
    this.doc.on('pageAdded', () => this.pages++);
    this.doc.pipe(output);
    this.text = new PdfText(this.doc, fonts, fallbackChain(hanStyleForLanguage(facts.deliveryPoint.language)));
    this.list = listGeometry(facts.paper);
    this.format = new SignatureListFormat(this.language, facts.campaign.timezone, this.texts.list.withheld);
    this.numbers = new Intl.NumberFormat(this.language);
    this.listPages = listPageCount(Math.max(0, volume.to - volume.from + 1), facts.paper);
    const { columns } = this.list;
    const cell = (column: Column, color = INK): LineOptions => ({ size: ROW_TEXT_SIZE, width: column.width, align: column.align, color });
    this.cells = {
      // Numbers in ink like the names: a muted number meant two colour changes on every row of the list.
      number: cell(columns.number),
      name: cell(columns.name),
      withheldName: cell(columns.name, MUTED),
      city: cell(columns.city),
      country: cell(columns.country),
      signedAt: cell(columns.signedAt),
    };
  }

  get width(): number {
    return PAPER[this.facts.paper].width - 2 * MARGIN;
  }

  cover(): void {
    const { doc, text, texts, facts } = this;
    const c = texts.cover;
    const n = (value: number) => this.numbers.format(value);
    const signatures = facts.counts.online + facts.counts.offline;
    const share = facts.counts.worldwide > 0 ? signatures / facts.counts.worldwide : 0;
    const values = {
      addressee: facts.deliveryPoint.addressee,
      campaign: facts.campaign.title,
      target: facts.campaign.targetGovernment,
      signatures: n(signatures),
      online: n(facts.counts.online),
      offline: n(facts.counts.offline),
      countries: n(facts.counts.countries),
      worldwide: n(facts.counts.worldwide),
      share: new Intl.NumberFormat(this.language, { style: 'percent', maximumFractionDigits: 1 }).format(share),
    };

    doc.addPage();
    text.line(c.kicker.toUpperCase(), MARGIN, MARGIN + 10, { size: 10, width: this.width, color: ACCENT, bold: true });
    doc.y = MARGIN + 22;
    text.paragraph(facts.campaign.title, MARGIN, { size: 22, width: this.width, bold: true, gap: 10 });
    this.labelled(c.to, facts.deliveryPoint.addressee);
    this.labelled(c.handedInAt, `${facts.deliveryPoint.city} — ${facts.deliveryPoint.address}`);
    if (facts.deliveryPoint.handInAt) {
      const date = new Intl.DateTimeFormat(this.language, { dateStyle: 'long', timeZone: facts.campaign.timezone }).format(facts.deliveryPoint.handInAt);
      this.labelled(c.date, date);
    }

    const boxTop = doc.y + 10;
    text.rects([{ x: MARGIN, y: boxTop, width: this.width, height: 92 }], STRIPE);
    text.line(values.signatures, MARGIN + 16, boxTop + 46, { size: 36, width: this.width / 2, bold: true, color: ACCENT });
    text.line(c.signatures, MARGIN + 16, boxTop + 70, { size: 10, width: this.width / 2 - 16, color: MUTED });
    const right = MARGIN + this.width / 2;
    const detail = [
      `${values.online} ${c.online}`,
      `${values.offline} ${c.offline}`,
      `${c.share}: ${values.share}`,
      `${c.countries}: ${values.countries}`,
    ];
    detail.forEach((line, i) => text.line(line, right, boxTop + 22 + i * 17, { size: 10.5, width: this.width / 2 - 16 }));
    doc.y = boxTop + 92 + 14;
    if (this.volume.volumes > 1) {
      const range = { volume: this.volume.volume, volumes: this.volume.volumes, from: n(this.volume.from), to: n(this.volume.to) };
      text.paragraph(fill(c.volume, range), MARGIN, { size: 11, width: this.width, bold: true, gap: 6 });
    }

    doc.y += 8;
    for (const paragraph of c.letter) text.paragraph(fill(paragraph, values), MARGIN, { size: 11, width: this.width, gap: 7 });
  }

  petitions(): void {
    const { doc, text, texts } = this;
    doc.addPage();
    text.line(texts.petitions.heading, MARGIN, MARGIN + 14, { size: 16, width: this.width, bold: true, color: ACCENT });
    doc.y = MARGIN + 30;
    for (const petition of this.facts.petitions) {
      text.paragraph(petition.title, MARGIN, { size: 14, width: this.width, bold: true, gap: 4 });
      if (petition.addressees.length > 0) {
        text.paragraph(`${texts.petitions.addressees}: ${petition.addressees.join('; ')}`, MARGIN, { size: 10, width: this.width, color: MUTED, gap: 6 });
      }
      for (const paragraph of petition.body.split(/\n\s*\n/)) {
        text.paragraph(paragraph.replace(/\s*\n\s*/g, ' ').trim(), MARGIN, { size: 11, width: this.width, gap: 6 });
      }
      doc.y += 12;
    }
  }

  /** Adds the next signature of this volume to the list, starting a new page when the current one is full. */
  row(row: ListRow): void {
    if (this.listPage === 0 || this.rowOnPage === this.list.rowsPerPage) this.startListPage();
    const baseline = this.list.firstRowBaseline + this.rowOnPage * ROW_HEIGHT;
    const printed = this.format.print(row);
    const chain = this.chainFor(row.country);
    const { columns } = this.list;
    const { text, cells } = this;
    text.line(printed.number, columns.number.x, baseline, cells.number, chain);
    text.line(printed.name, columns.name.x, baseline, printed.withheld ? cells.withheldName : cells.name, chain);
    text.line(printed.city, columns.city.x, baseline, cells.city, chain);
    text.line(printed.country, columns.country.x, baseline, cells.country, chain);
    text.line(printed.signedAt, columns.signedAt.x, baseline, cells.signedAt, chain);
    this.rowOnPage++;
  }

  /** Closing page, then the end of the PDF; resolves once every byte is written to the output. */
  async finish(listSha256: string): Promise<RenderedVolume> {
    if (this.listPage === 0) this.startListPage(); // an empty list still gets its (empty) page
    this.closing(listSha256);
    const written = once(this.output, 'finish');
    this.doc.end();
    await written;
    return { pages: this.pages, missingGlyphs: this.text.missingGlyphs };
  }

  private closing(listSha256: string): void {
    const { doc, text, facts } = this;
    const c = this.texts.closing;
    const n = (value: number) => this.numbers.format(value);
    const when = (date: Date) =>
      new Intl.DateTimeFormat(this.language, { dateStyle: 'long', timeStyle: 'long', timeZone: facts.campaign.timezone }).format(date);
    doc.addPage();
    text.line(c.heading, MARGIN, MARGIN + 14, { size: 16, width: this.width, bold: true, color: ACCENT });
    const rows: [string, string][] = [
      [c.online, n(facts.counts.online)],
      [c.offline, n(facts.counts.offline)],
      [c.total, n(facts.counts.online + facts.counts.offline)],
      [c.withheld, n(facts.counts.withheld)],
      [c.worldwide, n(facts.counts.worldwide)],
      [c.generatedAt, when(facts.generatedAt)],
      [c.countsAt, when(facts.countsAt)],
      [c.frozenAt, facts.frozenAt ? when(facts.frozenAt) : c.notFrozen],
    ];
    let y = MARGIN + 44;
    for (const [label, value] of rows) {
      text.line(label, MARGIN, y, { size: 10.5, width: this.width * 0.62 });
      text.line(value, MARGIN + this.width * 0.64, y, { size: 10.5, width: this.width * 0.36, align: 'right', bold: true });
      doc.moveTo(MARGIN, y + 5).lineTo(MARGIN + this.width, y + 5).lineWidth(0.3).stroke(RULE);
      y += 20;
    }
    text.line(c.listSha256, MARGIN, y + 12, { size: 10.5, width: this.width });
    text.line(listSha256, MARGIN, y + 28, { size: 9.5, width: this.width, bold: true });
    doc.y = y + 44;
    text.paragraph(c.withheldNote, MARGIN, { size: 9.5, width: this.width, color: MUTED });
  }

  private startListPage(): void {
    const { doc, text, list } = this;
    const l = this.texts.list;
    doc.addPage();
    this.listPage++;
    this.rowOnPage = 0;
    text.line(`${l.heading} — ${this.facts.deliveryPoint.city} (${this.facts.deliveryPoint.code})`, MARGIN, list.titleBaseline, {
      size: 12,
      width: this.width,
      bold: true,
      color: ACCENT,
    });
    const headers: [keyof ListGeometry['columns'], string][] = [
      ['number', l.number],
      ['name', l.name],
      ['city', l.city],
      ['country', l.country],
      ['signedAt', l.signedAt],
    ];
    for (const [key, label] of headers) {
      const column = list.columns[key];
      text.line(label, column.x, list.headerBaseline, { size: 9, width: column.width, align: column.align, bold: true });
    }
    doc.moveTo(MARGIN, list.headerRuleY).lineTo(MARGIN + this.width, list.headerRuleY).lineWidth(0.6).stroke(RULE);
    // Every other row is striped, in one path for the page: a fill per stripe, and the text colour set again
    // after each, made up a good part of a list page's content.
    const rowsBefore = (this.listPage - 1) * list.rowsPerPage;
    const rowsHere = Math.min(list.rowsPerPage, this.volume.to - this.volume.from + 1 - rowsBefore);
    const stripes: Box[] = [];
    for (let i = 1; i < rowsHere; i += 2) {
      stripes.push({ x: MARGIN, y: list.firstRowBaseline + i * ROW_HEIGHT - ROW_HEIGHT + 4, width: this.width, height: ROW_HEIGHT });
    }
    text.rects(stripes, STRIPE);
    const footer = fill(this.texts.footer.page, { page: this.listPage, pages: this.listPages });
    text.line(this.facts.campaign.title, MARGIN, list.footerBaseline, { size: 8, width: this.width * 0.65, color: MUTED });
    text.line(footer, MARGIN + this.width * 0.65, list.footerBaseline, { size: 8, width: this.width * 0.35, align: 'right', color: MUTED });
  }

  private labelled(label: string, value: string): void {
    this.text.paragraph(label, MARGIN, { size: 9, width: this.width, color: MUTED });
    this.text.paragraph(value, MARGIN, { size: 12, width: this.width, gap: 8 });
  }

  private chainFor(country: string): FontId[] {
    const style = hanStyleForCountry(country);
    let chain = this.chains.get(style);
    if (!chain) {
      chain = fallbackChain(style);
      this.chains.set(style, chain);
    }
    return chain;
  }
}
