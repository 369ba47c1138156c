import { campaignDefinition } from '../support/builders';
import { faultCaused } from '../support/fault-results';
import { FaultStack } from '../support/fault-stack';
import { recovered } from '../support/recount';
import { canonicalSections, exportOf, Signature, T0 } from '../support/signature-exports';

const SECTIONS = ['NL', 'DE', 'FR', 'BE'];
const PEOPLE = 40_000;
const PER_BATCH = 12_000;

/**
 * Batch `k` of eight: 12,000 people from a window that overlaps its neighbours' (so most people are in three
 * batches of several sections), each at a time of its own. Which of a person's signatures is the earliest varies
 * from person to person (13 and 8 are coprime: the offsets of one person's eight batches are all different), so
 * the canonical rule, not the order in which batches commit, decides every section's count. Every tenth person
 * also signs a second time in the same batch, a day later, spelling their address differently.
 */
function batch(k: number): Signature[] {
  const signatures: Signature[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const person = (k * 5000 + i) % PEOPLE;
    const at = T0 + person * 60_000 + ((person * 7 + k * 13) % 8) * 1000;
    signatures.push({ person, at });
    if (person % 10 === 0) signatures.push({ person, at: at + 24 * 3600_000 });
  }
  return signatures;
}

/** Fault 4: eight overlapping batches from four sections uploaded at the same moment to two worker processes. */
describe('fault 4: eight overlapping batches from four sections at once', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('overlapping-batches');
  });
  afterAll(() => stack?.stop());

  it('counts every signer once, for the section of their earliest signature', async () => {
    const { slug } = await stack.newCampaign('overlap', {
      sections: [...campaignDefinition().sections, { code: 'BE', name: 'Belgium', country: 'BE', petition: 'EN' }],
    });
    const files = Array.from({ length: 8 }, (_, k) => ({ section: SECTIONS[k % 4], file: exportOf(batch(k)) }));
    const expected = { online: new Set(files.flatMap(({ file }) => [...file.people])).size, bySection: canonicalSections(files) };
    expect(Object.keys(expected.bySection).sort()).toEqual([...SECTIONS].sort()); // each section wins some people

    const fault = faultCaused(4, '8 overlapping batches (4 sections, 96,000 rows) at once, 2 workers');
    const uploads = await Promise.all(files.map(({ section, file }, k) => stack.upload(slug, section, file.bytes, `batch-${k}.csv`)));
    expect(uploads.map((u) => u.status)).toEqual(Array(8).fill(202));

    await recovered(stack, slug, expected, fault);
    const batches = await Promise.all(uploads.map((u) => stack.batch(u.body.id)));
    batches.forEach((b, k) => expect(b).toMatchObject({ status: 'done', accepted: files[k].file.accepted, duplicatesInBatch: files[k].file.accepted - files[k].file.people.size }));
    // Each person was new to exactly one commit, whatever the order of the commits.
    expect(batches.reduce((n, b) => n + b.counted, 0)).toBe(expected.online);
  });
});
