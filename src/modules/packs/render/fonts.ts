import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';

/**
 * The fonts packs are printed with: Noto families from npm packages the project installs (never fonts of the
 * machine), so every script renders with real glyphs wherever the pack is generated.
 */
export const FONT_FILES = {
  latin: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  latinBold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  arabic: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
  hebrew: '@expo-google-fonts/noto-sans-hebrew/400Regular/NotoSansHebrew_400Regular.ttf',
  devanagari: '@expo-google-fonts/noto-sans-devanagari/400Regular/NotoSansDevanagari_400Regular.ttf',
  thai: '@expo-google-fonts/noto-sans-thai/400Regular/NotoSansThai_400Regular.ttf',
  chineseSimplified: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  chineseTraditional: '@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf',
  japanese: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
  korean: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
} as const;

export type FontId = keyof typeof FONT_FILES;

/** Which CJK font draws Han characters: the same character has regional glyph forms. */
export type HanStyle = 'simplified' | 'traditional' | 'japanese' | 'korean';

const HAN_FONTS: Record<HanStyle, FontId[]> = {
  simplified: ['chineseSimplified', 'chineseTraditional', 'japanese', 'korean'],
  traditional: ['chineseTraditional', 'chineseSimplified', 'japanese', 'korean'],
  japanese: ['japanese', 'chineseSimplified', 'chineseTraditional', 'korean'],
  korean: ['korean', 'chineseSimplified', 'chineseTraditional', 'japanese'],
};

const HAN_STYLE_BY_COUNTRY: Record<string, HanStyle> = { TW: 'traditional', HK: 'traditional', MO: 'traditional', JP: 'japanese', KR: 'korean' };
const HAN_STYLE_BY_LANGUAGE: Record<string, HanStyle> = { 'zh-tw': 'traditional', 'zh-hk': 'traditional', 'zh-hant': 'traditional', ja: 'japanese', ko: 'korean' };

export function hanStyleForCountry(country: string): HanStyle {
  return HAN_STYLE_BY_COUNTRY[country] ?? 'simplified';
}

export function hanStyleForLanguage(language: string): HanStyle {
  const tag = language.toLowerCase();
  return HAN_STYLE_BY_LANGUAGE[tag] ?? HAN_STYLE_BY_LANGUAGE[tag.split('-')[0]] ?? 'simplified';
}

/** Fallback order: the first font that has a character draws it. */
export function fallbackChain(han: HanStyle, first: FontId = 'latin'): FontId[] {
  const chain: FontId[] = [first, 'latin', 'arabic', 'hebrew', 'devanagari', 'thai', ...HAN_FONTS[han]];
  return chain.filter((f, i) => chain.indexOf(f) === i);
}

/**
 * The font files, read once per process and shared by every document (a CJK font is ~17 MB), with a cache of
 * which font covers which character.
 */
export class FontBook {
  private readonly buffers = new Map<FontId, Buffer>();
  private readonly faces = new Map<FontId, fontkit.Font>();
  private readonly coverage = new Map<FontId, Map<number, boolean>>();

  buffer(id: FontId): Buffer {
    let buffer = this.buffers.get(id);
    if (!buffer) {
      buffer = readFileSync(require.resolve(FONT_FILES[id]));
      this.buffers.set(id, buffer);
    }
    return buffer;
  }

  face(id: FontId): fontkit.Font {
    let face = this.faces.get(id);
    if (!face) {
      face = fontkit.create(this.buffer(id)) as fontkit.Font;
      this.faces.set(id, face);
    }
    return face;
  }

  /** Remembered per font: a pack asks about the same few thousand characters for each of its cells. */
  has(id: FontId, codePoint: number): boolean {
    let known = this.coverage.get(id);
    if (!known) {
      known = new Map();
      this.coverage.set(id, known);
    }
    let has = known.get(codePoint);
    if (has === undefined) {
      has = this.face(id).hasGlyphForCodePoint(codePoint);
      known.set(codePoint, has);
    }
    return has;
  }
}

let shared: FontBook | undefined;

/** The process-wide font book. */
export function fontBook(): FontBook {
  shared ??= new FontBook();
  return shared;
}
