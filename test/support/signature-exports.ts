/**
 * Section exports of any size for the fault suite, written as text directly (the row builders of builders.ts are
 * too slow for 100,000 rows), with what they must count to: the test knows every person it generated.
 *
 * Person `n` is always `person<n>@example.org`, so the same number in two files is the same signer. A person's
 * second row in a file spells the address differently (`PERSON<n>@Example.org`), so dedupe must normalise it.
 */
export interface Signature {
  person: number;
  /** When they signed, in ms since the epoch. */
  at: number;
}

export interface SignatureExport {
  bytes: Buffer;
  rows: number;
  accepted: number;
  /** The people in the file (each counted once). */
  people: Set<number>;
  signatures: Signature[];
}

export const T0 = Date.parse('2017-05-01T08:00:00Z');
const MINUTE = 60_000;

/** A CSV export of these signatures, plus `malformed` rows with a broken e-mail (refused, never counted). */
export function exportOf(signatures: Signature[], malformed = 0): SignatureExport {
  const lines = ['First name,Last name,Email,Signed at'];
  const people = new Set<number>();
  const every = Math.max(1, Math.floor(signatures.length / Math.max(1, malformed)));
  let broken = 0;
  signatures.forEach(({ person, at }, i) => {
    const email = people.has(person) ? `PERSON${person}@Example.org` : `person${person}@example.org`;
    people.add(person);
    lines.push(`First${person},Person${person},${email},${new Date(at).toISOString()}`);
    if (broken < malformed && i % every === 0) lines.push(`Bad${i},Mail${broken++},not-an-address-${i},${new Date(at).toISOString()}`);
  });
  return { bytes: Buffer.from(lines.join('\n') + '\n'), rows: signatures.length + broken, accepted: signatures.length, people, signatures };
}

/** People `from` to `to - 1`, one minute apart from `start` (a later `start` makes a later signature of the same people). */
export function signing(from: number, to: number, start = T0): Signature[] {
  return Array.from({ length: to - from }, (_, i) => ({ person: from + i, at: start + i * MINUTE }));
}

/**
 * A large export: `people` people from `first`, every eighth signing again a day later, and a few hundred broken
 * rows. About 60 bytes a row, so 150,000 people make ~10 MB: several parse chunks, and a dedupe of a second or two.
 */
export function largeExport(people: number, first = 0): SignatureExport {
  const once = signing(first, first + people);
  const again = once.filter((_, i) => i % 8 === 0).map((s) => ({ person: s.person, at: s.at + 24 * 60 * MINUTE }));
  return exportOf([...once, ...again], 300);
}

/**
 * How many people count for each section when these files are all counted: each person for their earliest
 * signature (docs/design.md "Dedupe keys"). Tests give every signature its own time, so upload order never decides.
 */
export function canonicalSections(files: { section: string; file: SignatureExport }[]): Record<string, number> {
  const earliest = new Map<number, { at: number; section: string }>();
  for (const { section, file } of files) {
    for (const { person, at } of file.signatures) {
      const known = earliest.get(person);
      if (known && known.at === at && known.section !== section) throw new Error(`person ${person} signs twice at the same time: the upload order would decide`);
      if (!known || at < known.at) earliest.set(person, { at, section });
    }
  }
  const counts: Record<string, number> = {};
  for (const { section } of earliest.values()) counts[section] = (counts[section] ?? 0) + 1;
  return counts;
}
