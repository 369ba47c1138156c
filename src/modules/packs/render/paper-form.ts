import { once } from 'node:events';
import { Writable } from 'node:stream';
import { fallbackChain, FontBook, hanStyleForLanguage } from './fonts';
import { MARGIN, PAPER, PaperSize } from './pack-layout';
import { fill, textsFor } from './pack-texts';
import { newDocument, PdfText } from './pdf-text';

export interface PaperFormFacts {
  campaignTitle: string;
  section: { code: string; name: string };
  petition: { title: string; language: string; addressees: string[]; body: string };
  paper: PaperSize;
}

const LINE_HEIGHT = 26;
const PAGES = 2;
const ACCENT = '#0b4f8a';
const RULE = '#8a8a8a';

/**
 * A blank signature form for a section to print: the petition text in its language, then numbered lines for
 * name, city and signature over two pages. Signatures collected on it come back as a tally or a typed batch.
 */
export async function writePaperForm(output: Writable, facts: PaperFormFacts, fonts: FontBook): Promise<void> {
  const { texts } = textsFor(facts.petition.language);
  const f = texts.form;
  const doc = newDocument(facts.paper, `${facts.campaignTitle} — ${f.title}`, MARGIN);
  doc.pipe(output);
  const text = new PdfText(doc, fonts, fallbackChain(hanStyleForLanguage(facts.petition.language)));
  const { width: pageWidth, height: pageHeight } = PAPER[facts.paper];
  const width = pageWidth - 2 * MARGIN;
  const columns = { number: [MARGIN, 28], name: [MARGIN + 34, width * 0.36], city: [MARGIN + 40 + width * 0.36, width * 0.25], signature: [MARGIN + 46 + width * 0.61, width * 0.39 - 46] };
  let number = 0;

  for (let page = 1; page <= PAGES; page++) {
    doc.addPage();
    text.line(`${f.title} — ${facts.section.name}`, MARGIN, MARGIN + 10, { size: 10, width, bold: true, color: ACCENT });
    doc.y = MARGIN + 20;
    if (page === 1) {
      text.paragraph(facts.petition.title, MARGIN, { size: 15, width, bold: true, gap: 4 });
      if (facts.petition.addressees.length > 0) text.paragraph(facts.petition.addressees.join('; '), MARGIN, { size: 9.5, width, color: '#5b5b5b', gap: 4 });
      text.paragraph(facts.petition.body.replace(/\s*\n\s*/g, ' '), MARGIN, { size: 9.5, width, gap: 6 });
      text.paragraph(fill(f.instructions, { section: `${facts.section.name} (${facts.section.code})` }), MARGIN, { size: 9.5, width, bold: true, gap: 8 });
    }
    let y = doc.y + 12;
    for (const [key, [x, w]] of Object.entries(columns)) text.line(f[key as keyof typeof columns], x, y, { size: 9, width: w, bold: true });
    y += LINE_HEIGHT;
    while (y < pageHeight - MARGIN - 10) {
      text.line(String(++number), columns.number[0], y, { size: 9, width: columns.number[1], align: 'right', color: '#5b5b5b' });
      doc.moveTo(columns.name[0], y + 3).lineTo(MARGIN + width, y + 3).lineWidth(0.5).stroke(RULE);
      y += LINE_HEIGHT;
    }
    text.line(fill(f.page, { page, pages: PAGES }), MARGIN, pageHeight - MARGIN + 20, { size: 8, width, align: 'right', color: '#5b5b5b' });
    text.line(facts.campaignTitle, MARGIN, pageHeight - MARGIN + 20, { size: 8, width: width * 0.7, color: '#5b5b5b' });
  }
  const written = once(output, 'finish');
  doc.end();
  await written;
}
