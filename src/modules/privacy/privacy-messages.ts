/**
 * The sentences a campaign lead forwards: to the person who asked to be erased, or to whoever asked for a purge.
 * They name only what the request named, never anyone else's data.
 */

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A date as the campaign's people read it: the calendar day in the campaign's time zone. */
export function campaignDay(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function erasureMessage(f: { who: string; title: string; day: string; dryRun: boolean; deleted: number; before: number; after: number }): string {
  const signatures = plural(f.deleted, 'signature', 'signatures');
  if (f.deleted === 0) {
    return `We found no signature of ${f.who} in campaign "${f.title}" on ${f.day}; nothing ${f.dryRun ? 'would be' : 'was'} deleted, the total stays ${f.before}.`;
  }
  if (f.dryRun) {
    return `Removing the signature of ${f.who} from campaign "${f.title}" would delete ${signatures}, and the total would go from ${f.before} to ${f.after}; nothing was changed yet.`;
  }
  const total = f.before === f.after ? `the total stays ${f.after}` : `the total went from ${f.before} to ${f.after}`;
  return `We removed the signature of ${f.who} from campaign "${f.title}" on ${f.day}; ${signatures} ${f.deleted === 1 ? 'was' : 'were'} deleted, ${total}.`;
}

export function purgeMessage(f: { title: string; day: string; dryRun: boolean; signatures: number; frozen: number; batches: number; packs: number; total: number }): string {
  const what = [
    plural(f.signatures, 'signature (name, city and identifiers)', 'signatures (names, cities and identifiers)'),
    plural(f.frozen, 'frozen copy', 'frozen copies'),
    `the files of ${plural(f.batches, 'upload', 'uploads')}`,
    plural(f.packs, 'hand-in pack', 'hand-in packs'),
  ].join(', ');
  if (f.dryRun) return `Purging campaign "${f.title}" would delete ${what}; the total would stay ${f.total}. Nothing was changed yet.`;
  return `We deleted the personal data of campaign "${f.title}" on ${f.day}: ${what}. Every total stays as it was: ${f.total} signatures.`;
}
