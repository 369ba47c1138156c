import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import PDFDocument from 'pdfkit';
import { buildTotals } from '../../../src/modules/totals/breakdown';
import { fallbackChain, fontBook, FontId, hanStyleForCountry } from '../../../src/modules/packs/render/fonts';
import { listPageCount, splitIntoVolumes } from '../../../src/modules/packs/render/pack-layout';
import { fill, SUPPORTED_LANGUAGES, textsFor } from '../../../src/modules/packs/render/pack-texts';
import { INK, newDocument, PdfText } from '../../../src/modules/packs/render/pdf-text';
import { safeCell as neutraliseFormula } from '../../../src/common/safe-csv';
import { SignatureListFormat } from '../../../src/modules/packs/render/signature-list';
import { visualLine } from '../../../src/modules/packs/render/text-runs';
import { containsWords, pdfText } from '../../support/pdf';

const LINES: Record<string, [string, FontId]> = {
  latin: ['Łukasz Żółć, Nguyễn Thị Ngọc Ánh, Şükrü Ağaoğlu, Ærøskøbing, François Lefèvre', 'latin'],
  cyrillic: ['Ольга Смирнова, Фёдор Ёлкин, Київ', 'latin'],
  greek: ['Γιώργος Παπαδόπουλος, Αθήνα', 'latin'],
  traditionalChinese: ['陳美玲 臺灣 歐陽', 'chineseTraditional'],
  simplifiedChinese: ['张伟 广州 欧阳', 'chineseSimplified'],
  japanese: ['やまだ はなこ タロウ 東京', 'japanese'],
  korean: ['김민준 서울', 'korean'],
  arabic: ['محمد الحسيني عمّان', 'arabic'],
  hebrew: ['נועה כהן תל אביב', 'hebrew'],
  devanagari: ['प्रिया शर्मा मुंबई', 'latin'],
  thai: ['สมชาย ใจดี เชียงใหม่', 'thai'],
};

describe('pack rendering', () => {
  const fonts = fontBook();

  describe.each(Object.entries(LINES))('%s', (script, [line, font]) => {
    const country = { traditionalChinese: 'TW', japanese: 'JP', korean: 'KR' }[script] ?? 'CN';
    it('renders a line with zero missing glyphs, drawn by the font of its script', () => {
      const doc = newDocument('A4', 'test', 48);
      doc.pipe(new PassThrough().resume());
      doc.addPage();
      const text = new PdfText(doc, fonts, fallbackChain(hanStyleForCountry(country)));
      text.line(line, 48, 100, { size: 9, width: 400 });
      doc.end();
      expect(text.missingGlyphs).toBe(0);
      expect(visualLine(line, fallbackChain(hanStyleForCountry(country)), fonts).runs.map((r) => r.font)).toContain(font);
    });
  });

  it('counts characters that no font has', () => {
    expect(visualLine('a\u{1F9EA}b\u{E000}', fallbackChain('simplified'), fonts).missing).toBe(2);
  });

  it('puts right-to-left text in visual order, keeping numbers left-to-right and mirroring brackets', () => {
    const line = visualLine('דוד (כהן) 42', fallbackChain('simplified'), fonts);
    expect(line.rtl).toBe(true);
    // The number is rightmost in logical order, so leftmost on the page; the Hebrew words come last word
    // first, each handed to fontkit in logical order (it reverses a word itself), with its brackets swapped.
    expect(line.runs.map((r) => r.text)).toEqual(['42', ' )כהן(', ' דוד']);
  });

  it('puts the words of a right-to-left name in visual order, each after its space', () => {
    expect(visualLine('ياسمين القاسم', fallbackChain('simplified'), fonts).runs).toEqual([
      { text: 'القاسم', font: 'arabic' },
      { text: ' ياسمين', font: 'arabic' },
    ]);
  });

  it('reverses a word without right-to-left letters inside right-to-left text, which fontkit would leave as it is', () => {
    expect(visualLine('דוד ?! כהן', fallbackChain('simplified'), fonts).runs.map((r) => r.text)).toEqual(['כהן', ' !?', ' דוד']);
  });

  it('wraps a right-to-left paragraph line by line: its first words on its first line, its numbers left to right', async () => {
    const words = ['نطالب', 'بالإفراج', 'عن', 'المعتقلين', 'وفق', 'المادة', '19', 'من', 'الإعلان', 'العالمي', 'لحقوق', 'الإنسان', 'فورا'];
    const doc = newDocument('A4', 'test', 48);
    const pdf = new PassThrough();
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    doc.pipe(pdf);
    doc.addPage();
    const text = new PdfText(doc, fonts, fallbackChain('simplified'));
    text.paragraph(words.join(' '), 48, { size: 11, width: 110 });
    doc.end();
    await once(pdf, 'end');

    const lines = (await pdfText(Buffer.concat(chunks))).split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    // (Words whose letters text extraction gives back as written: shaped Arabic maps some glyphs to a sister letter.)
    expect(containsWords(lines[0], 'عن')).toBe(true);
    expect(containsWords(lines[lines.length - 1], 'فورا')).toBe(true);
    expect(containsWords(lines[0], 'فورا')).toBe(false);
    expect(lines.join(' ')).toMatch(/\b19\b/);
    expect(text.missingGlyphs).toBe(0);
  });

  it('keeps a left-to-right line with an Arabic word in logical order around it', () => {
    const line = visualLine('Ali محمد Smith', fallbackChain('simplified'), fonts);
    expect(line.rtl).toBe(false);
    expect(line.runs.filter((r) => r.text.trim()).map((r) => [r.text.trim(), r.font])).toEqual([['Ali', 'latin'], ['محمد', 'arabic'], ['Smith', 'latin']]);
  });

  it('draws Han characters with the regional font of the signer', () => {
    expect(visualLine('陳', fallbackChain(hanStyleForCountry('TW')), fonts).runs[0].font).toBe('chineseTraditional');
    expect(visualLine('陳', fallbackChain(hanStyleForCountry('JP')), fonts).runs[0].font).toBe('japanese');
    expect(visualLine('陈', fallbackChain(hanStyleForCountry('CN')), fonts).runs[0].font).toBe('chineseSimplified');
  });
});

describe('text colours', () => {
  const MUTED = '#5b5b5b';
  const STRIPE = '#f1f1f1';

  /** The fill colour in force at each piece of text, page by page, read back from an uncompressed PDF. */
  async function colorsOfText(draw: (text: PdfText) => void): Promise<string[][]> {
    const doc = new PDFDocument({ compress: false, autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = once(doc, 'end');
    draw(new PdfText(doc, fontBook(), fallbackChain('simplified')));
    doc.end();
    await ended;
    const pdf = Buffer.concat(chunks).toString('latin1');
    const pages = [...pdf.matchAll(/stream\n(1 0 0 -1 0 [\d.]+ cm\n[\s\S]*?)\nendstream/g)].map((m) => m[1]);
    return pages.map((content) => {
      const colors: string[] = [];
      const saved: string[] = [];
      let color = 'default';
      for (const op of content.split('\n')) {
        if (op === 'q') saved.push(color);
        else if (op === 'Q') color = saved.pop()!;
        else if (op.endsWith(' scn')) color = '#' + op.split(' ').slice(0, 3).map((c) => Math.round(Number(c) * 255).toString(16).padStart(2, '0')).join('');
        else if (op === 'BT') colors.push(color);
      }
      return colors;
    });
  }

  it('are those asked for after a stripe, a clipped line and on a new page', async () => {
    const colors = await colorsOfText((text) => {
      const line = (value: string, color?: string) => text.line(value, 48, 100, { size: 9, width: 200, color });
      text.doc.addPage();
      line('one', MUTED);
      line('two', MUTED);
      text.rects([{ x: 48, y: 120, width: 200, height: 15 }], STRIPE);
      line('three', MUTED);
      text.line('a name far too long for its column, clipped after squeezing', 48, 100, { size: 9, width: 10, color: INK });
      line('four');
      text.doc.addPage();
      line('five');
    });
    expect(colors).toEqual([[MUTED, MUTED, MUTED, INK, INK], [INK]]);
  });
});

describe('pack layout', () => {
  it('splits lists into volumes of at most the asked size', () => {
    expect(splitIntoVolumes(250, 100)).toEqual([
      { volume: 1, volumes: 3, from: 1, to: 100 },
      { volume: 2, volumes: 3, from: 101, to: 200 },
      { volume: 3, volumes: 3, from: 201, to: 250 },
    ]);
    expect(splitIntoVolumes(250, null)).toEqual([{ volume: 1, volumes: 1, from: 1, to: 250 }]);
    expect(splitIntoVolumes(0, 100)).toEqual([{ volume: 1, volumes: 1, from: 1, to: 0 }]);
  });

  it('knows the number of list pages before writing them', () => {
    expect(listPageCount(0, 'A4')).toBe(1);
    expect(listPageCount(100_000, 'A4')).toBeGreaterThan(listPageCount(100_000, 'Letter') - 300);
    expect(listPageCount(100_000, 'Letter')).toBeGreaterThan(listPageCount(100_000, 'A4'));
  });
});

describe('signature list', () => {
  it('prints the day in the campaign\'s time zone, also where a day starts at a quarter hour (UTC+5:45)', () => {
    const format = new SignatureListFormat('en', 'Asia/Kathmandu', 'name withheld');
    const day = (at: string) => format.print({ number: 1, name: 'Sita', city: null, country: 'NP', signedAt: new Date(at) }).signedAt;
    expect(day('2017-05-01T18:14:59Z')).toBe('2017-05-01');
    expect(day('2017-05-01T18:15:00Z')).toBe('2017-05-02');
    expect(day('2017-05-01T18:00:00Z')).toBe('2017-05-01');
    expect(day('2017-05-01T18:29:59Z')).toBe('2017-05-02');
  });
});

describe('signature list CSV', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+31 6 1234', `'+31 6 1234`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['Anne-Marie', 'Anne-Marie'],
    ['', ''],
  ])('neutralises %j as a formula', (cell, expected) => {
    expect(neutraliseFormula(cell)).toBe(expected);
  });
});

describe('pack texts', () => {
  const placeholders = (value: unknown): string[] => (JSON.stringify(value).match(/\{\w+\}/g) ?? []).sort();
  const flatten = (value: unknown, path = ''): [string, unknown][] =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => flatten(v, `${path}.${k}`))
      : [[path, value]];

  it.each(SUPPORTED_LANGUAGES)('%s uses the same placeholders as English in every text', (language) => {
    const english = new Map(flatten(textsFor('en').texts));
    for (const [path, value] of flatten(textsFor(language).texts)) expect([path, placeholders(value)]).toEqual([path, placeholders(english.get(path))]);
  });

  it('picks the template by primary language, English when there is none', () => {
    expect(textsFor('nl-BE').language).toBe('nl');
    expect(textsFor('zh-Hant').language).toBe('zh');
    expect(textsFor('sw').language).toBe('en');
    expect(fill('Page {page} of {pages}, {unknown}', { page: 2, pages: 9 })).toBe('Page 2 of 9, {unknown}');
  });
});

describe('frozen totals', () => {
  const cell = (section: string, count: number) => ({ section, country: 'NL', deliveryPoint: 'HAGUE', day: '2017-05-01', count });
  const meta = { campaign: 'c', goal: 100, updatedAt: null, frozenAt: new Date('2017-06-01T00:00:00Z') };

  it('show beside the live totals, with what arrived after the freeze', () => {
    const totals = buildTotals([cell('NL', 9), cell('DE', 3)], [], meta, { cells: [cell('NL', 5), cell('DE', 3)], tallies: [] });
    expect(totals).toMatchObject({ online: 12, frozen: { online: 8, total: 8 }, afterFreeze: { online: 4, total: 4 } });
  });

  it('are limited to the section of a coordinator', () => {
    const totals = buildTotals([cell('NL', 9)], [], { ...meta, section: 'NL' }, { cells: [cell('NL', 5), cell('DE', 3)], tallies: [] });
    expect(totals.frozen).toMatchObject({ online: 5 });
  });
});
