// How a header's text is compared: the exact key (normaliseHeader) and, for headers no alias spells out,
// its words (headerWords), so that "can2_country", "MailingCountry" or "What is your email address?" can be
// matched word by word (see header-mapping.ts).

export function normaliseHeader(h: string): string {
  return foldLetters(h).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The words of a header: split at spaces, punctuation, underscores, camelCase humps and letter/digit
 * boundaries, folded like normaliseHeader ("npe01__HomeEmail__c" → npe, 01, home, email, c).
 */
export function headerWords(h: string): string[] {
  const spaced = h
    .replace(/^\uFEFF/, '')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_, l1, n1, n2, l2) => (l1 ? `${l1} ${n1}` : `${n2} ${l2}`));
  return foldLetters(spaced)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function foldLetters(h: string): string {
  return (
    h
      .replace(/^\uFEFF/, '')
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      // Turkish dotless ı has no decomposition; without this "SOYADI" would not match "Soyadı".
      .replace(/ı/g, 'i')
  );
}
