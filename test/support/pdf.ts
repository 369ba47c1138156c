import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Reads PDFs back with poppler (pdftotext, pdfinfo), which scripts/install.sh installs. Text extraction of
 * shaped scripts comes back in glyph order (an Indic vowel sign before its consonant, Arabic marks apart), so
 * `containsWord` compares the letters of a word, not their order or marks.
 */
const run = promisify(execFile);

async function poppler(tool: 'pdftotext' | 'pdfinfo', pdf: Buffer, args: string[]): Promise<string> {
  const child = run(tool, [...args, '-', ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  child.child.stdin!.end(pdf);
  return (await child).stdout;
}

/** The text of a PDF, or of its pages `first` to `last`. */
export const pdfText = (pdf: Buffer, pages?: { first: number; last: number }) =>
  poppler('pdftotext', pdf, pages ? ['-f', String(pages.first), '-l', String(pages.last)] : []);

export async function pdfInfo(pdf: Buffer): Promise<{ pages: number; pageSize: string }> {
  const info = await poppler('pdfinfo', pdf, []);
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), pageSize: /Page size:.*\((\w+)\)/.exec(info)?.[1] ?? /Page size:\s+(.*)/.exec(info)![1] };
}

const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const letters = (word: string) => [...word.normalize('NFKD').replace(/\p{M}/gu, '').replace(BIDI_CONTROLS, '')].sort().join('');

/** True when every word of `phrase` appears in `text` (same letters, any order of marks and glyphs). */
export function containsWords(text: string, phrase: string): boolean {
  const tokens = new Set(text.replace(BIDI_CONTROLS, ' ').split(/\s+/).map(letters));
  return phrase.split(/\s+/).every((word) => tokens.has(letters(word)));
}
