import bidiFactory from 'bidi-js';
import { FontBook, FontId } from './fonts';

/** A piece of a line drawn with one font, in visual (left-to-right) order, ready for pdfkit. */
export interface TextRun {
  text: string;
  font: FontId;
}

export interface VisualLine {
  runs: TextRun[];
  /** Characters no font has; they would print as empty boxes. Zero for every script the packs support. */
  missing: number;
  /** The line's base direction is right-to-left (it starts with Arabic or Hebrew): align it right. */
  rtl: boolean;
}

const bidi = bidiFactory();
const RTL_CHARACTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/u;
const COMBINING_OR_NEUTRAL = /[\s\p{M}\p{P}\p{S}\p{Nd}]/u;

/**
 * Splits a line of text into font runs in visual order:
 * - each character is drawn by the first font of `chain` that has it; marks, spaces, digits and punctuation
 *   stay in the font of the run they are in when it has them, so a name is not chopped into needless runs;
 * - right-to-left text (Arabic, Hebrew) is reordered with the Unicode bidi algorithm (bidi-js), down to the
 *   word: a run at an RTL level becomes its words, last word first (see wordsRightToLeft). Mirrored characters
 *   (brackets) are swapped.
 */
export function visualLine(text: string, chain: FontId[], fonts: FontBook): VisualLine {
  // Most cells (Latin, Cyrillic, Greek, Devanagari names; places; dates) are one run of the first font.
  if (!RTL_CHARACTER.test(text) && coveredBy(chain[0], text, fonts)) return { runs: [{ text, font: chain[0] }], missing: 0, rtl: false };

  const characters = Array.from(text);
  let missing = 0;
  const fontOf: FontId[] = [];
  for (const ch of characters) {
    const codePoint = ch.codePointAt(0)!;
    const previous = fontOf[fontOf.length - 1];
    if (previous && COMBINING_OR_NEUTRAL.test(ch) && fonts.has(previous, codePoint)) {
      fontOf.push(previous);
      continue;
    }
    const font = chain.find((f) => fonts.has(f, codePoint));
    if (!font && !INVISIBLE.test(ch)) missing++;
    fontOf.push(font ?? chain[0]);
  }

  if (!RTL_CHARACTER.test(text)) return { runs: group(characters, fontOf, () => 0), missing, rtl: false };

  const { levels, paragraphs } = bidi.getEmbeddingLevels(text, 'auto');
  const mirrored = bidi.getMirroredCharactersMap(text, levels);
  // bidi-js indexes UTF-16 code units; map each code point to the level of its first unit.
  const unitIndex: number[] = [];
  let unit = 0;
  for (const ch of characters) {
    unitIndex.push(unit);
    unit += ch.length;
  }
  const mirroredCharacters = characters.map((ch, i) => mirrored.get(unitIndex[i]) ?? ch);
  const runs = group(mirroredCharacters, fontOf, (i) => levels[unitIndex[i]]);
  return { runs: reorder(runs), missing, rtl: (paragraphs[0]?.level ?? 0) % 2 === 1 };
}

function coveredBy(font: FontId, text: string, fonts: FontBook): boolean {
  for (const ch of text) if (!fonts.has(font, ch.codePointAt(0)!)) return false;
  return true;
}

interface LeveledRun extends TextRun {
  level: number;
}

function group(characters: string[], fontOf: FontId[], levelOf: (i: number) => number): LeveledRun[] {
  const runs: LeveledRun[] = [];
  characters.forEach((ch, i) => {
    const last = runs[runs.length - 1];
    const level = levelOf(i);
    if (last && last.font === fontOf[i] && last.level === level) last.text += ch;
    else runs.push({ text: ch, font: fontOf[i], level });
  });
  return runs;
}

/** Rule L2 of the bidi algorithm on whole runs: from the highest level down, reverse each stretch at or above it. */
function reorder(runs: LeveledRun[]): TextRun[] {
  const highest = Math.max(...runs.map((r) => r.level));
  const lowestOdd = Math.min(...runs.map((r) => r.level).filter((l) => l % 2 === 1));
  let order = runs;
  for (let level = highest; level >= lowestOdd; level--) {
    const next: LeveledRun[] = [];
    let stretch: LeveledRun[] = [];
    for (const run of order) {
      if (run.level >= level) stretch.push(run);
      else {
        next.push(...stretch.reverse(), run);
        stretch = [];
      }
    }
    order = [...next, ...stretch.reverse()];
  }
  return order.flatMap((run) => (run.level % 2 === 1 ? wordsRightToLeft(run) : [{ font: run.font, text: run.text }]));
}

/**
 * A run at a right-to-left level, as pdfkit must be given it. pdfkit lays text out a word at a time (caching each
 * word: shaping is most of the cost of a line), and fontkit reverses each word of an RTL script by itself, a
 * trailing space included. So the run becomes its words, last word first, each after its space ("a b c" as "c",
 * " b", " a"): the run reversed as a whole. A word without RTL letters (brackets, a dash) is reversed here.
 */
function wordsRightToLeft(run: LeveledRun): TextRun[] {
  return run.text
    .split(' ')
    .reverse()
    .map((word, i) => {
      const text = RTL_CHARACTER.test(word) ? word : Array.from(word).reverse().join('');
      return { font: run.font, text: i === 0 ? text : ` ${text}` };
    })
    .filter((piece) => piece.text !== '');
}
