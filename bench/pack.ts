/**
 * Pack: a hand-in pack of 100,000 signatures (`--pack-rows`) drawn by Handin's renderer, against raw pdfkit
 * writing the same lines with one font. Each renderer runs in a process of its own — this file, run as a
 * script — so the peak memory and CPU time of each are its own. No database: the rows come from a generator
 * shaped like the cursor of a real pack, so the figure is the rendering alone.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { mulberry32 } from '../src/demo/seeded-random';
import { countryOrder } from '../src/modules/packs/pack-source';
import { FONT_FILES, fontBook } from '../src/modules/packs/render/fonts';
import { PackDocument, PackFacts } from '../src/modules/packs/render/pack-document';
import { listGeometry, MARGIN, ROW_HEIGHT, ROW_TEXT_SIZE } from '../src/modules/packs/render/pack-layout';
import { ListRow } from '../src/modules/packs/render/signature-list';
import { againstBaseline, Measurement, peakRssFigures, ProcessUsage } from './measurement';
import { COUNTRIES, CULTURES } from './name-pools';
import { BenchOptions } from './options';
import { WatchedProcess } from './processes';
import { progress } from './report';

/** docs/design.md "Performance": a pack at most 1.5× raw pdfkit, peak memory ≤ 400 MB. */
const MAX_RATIO_TO_RAW = 1.5;
const MAX_PACK_RSS_MB = 400;

type Renderer = 'raw' | 'handin';

/** What a renderer process reports about its own run. */
interface RenderResult {
  /** From creating the document until the last byte of the PDF is written; fonts are read inside it. */
  seconds: number;
  pages: number;
  bytes: number;
  missingGlyphs: number;
}

export const packMeasurement: Measurement = {
  name: 'pack',
  async run(options) {
    const rows = options.packRows.toLocaleString('en');
    progress(`pack: raw pdfkit, ${rows} lines in one font`);
    const raw = await renderInChild(options, 'raw');
    progress(`pack: Handin's renderer, ${rows} signatures`);
    const handin = await renderInChild(options, 'handin');
    return {
      figures: [
        againstBaseline(`pack of ${rows} signatures`, 's', handin.result.seconds, { label: 'raw pdfkit', value: raw.result.seconds }, MAX_RATIO_TO_RAW),
        ...peakRssFigures('pack', [handin.usage], MAX_PACK_RSS_MB),
      ],
      notes: [
        `Handin: ${describeFile(handin.result)}, ${handin.result.missingGlyphs} missing glyphs; raw pdfkit: ${describeFile(raw.result)}, peak RSS ${raw.usage.peakRssMb} MB`,
        // CPU time is less disturbed than wall time by whatever else the machine runs.
        `CPU time: Handin ${handin.usage.cpuSeconds.toFixed(1)} s, raw pdfkit ${raw.usage.cpuSeconds.toFixed(1)} s ` +
          `(${(handin.usage.cpuSeconds / raw.usage.cpuSeconds).toFixed(2)}×)`,
      ],
      details: { rows: options.packRows, handin, raw },
    };
  },
};

function describeFile(r: RenderResult): string {
  return `${r.pages.toLocaleString('en')} pages, ${(r.bytes / 1e6).toFixed(1)} MB`;
}

/** Runs this file as a script that renders with `renderer`; returns what it reported and what the process used. */
async function renderInChild(options: BenchOptions, renderer: Renderer): Promise<{ result: RenderResult; usage: ProcessUsage }> {
  const dir = join(options.workDir, 'pack');
  await mkdir(join(options.workDir, 'logs'), { recursive: true });
  await mkdir(dir, { recursive: true });
  const resultFile = join(dir, `${renderer}.json`);
  await rm(resultFile, { force: true });
  const profiling = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(options.workDir, 'profiles')}`, `--cpu-prof-name=pack-${renderer}.cpuprofile`] : [];
  const args = [...profiling, __filename, renderer, String(options.packRows), join(dir, `${renderer}.pdf`), resultFile];
  const child = new WatchedProcess(`pack-${renderer}`, process.execPath, args, process.env, join(options.workDir, 'logs', `pack-${renderer}.log`));
  await child.exited;
  const usage = await child.stop();
  if (child.child.exitCode !== 0) throw new Error(`the ${renderer} renderer stopped (${child.exitReason}); see ${child.logFile}`);
  return { result: JSON.parse(await readFile(resultFile, 'utf8')) as RenderResult, usage };
}

// ---- The renderer process -------------------------------------------------------------------------------

const CAMPAIGN_FILE = join(__dirname, '..', '..', 'demo', 'campaign.json');
/** The default delivery point: its pack holds the host country's signers and those of every unrouted country. */
const DELIVERY_POINT = 'HAGUE';
const SEED = 20170602;
const RATE = { abroad: 0.25, otherScript: 0.4, noConsent: 0.05, noCity: 0.15 };
/** A real pack reads its rows from a cursor in batches; between two, the event loop writes out what pdfkit made. */
const CURSOR_BATCH = 100;

interface CampaignFile {
  title: string;
  targetGovernment: string;
  timezone: string;
  opensAt: string;
  closesAt: string;
  withheldCountries: string[];
  petitions: { code: string; title: string; language: string; addressees: string[]; body: string }[];
  deliveryPoints: { code: string; kind: string; city: string; address: string; addressee: string; hostCountry: string; handInAt: string; language: string }[];
  routing: { country: string }[];
}

async function renderInThisProcess([renderer, rowsArgument, pdfPath, resultPath]: string[]): Promise<void> {
  const campaign = JSON.parse(readFileSync(CAMPAIGN_FILE, 'utf8')) as CampaignFile;
  const count = Number(rowsArgument);
  const rows = packRows(campaign, countryBlocks(campaign, count));
  const output = createWriteStream(pdfPath);
  const startedAt = performance.now();
  const rendered = renderer === 'handin' ? await renderHandin(campaign, rows, count, output) : await renderRaw(campaign, rows, output);
  const result: RenderResult = { seconds: Math.round(performance.now() - startedAt) / 1000, ...rendered, bytes: output.bytesWritten };
  await writeFile(resultPath, JSON.stringify(result));
}

/** The whole pack as the pack job draws it: cover, petitions, the list in every script, closing page. */
async function renderHandin(campaign: CampaignFile, rows: Iterable<ListRow>, count: number, output: Writable): Promise<Omit<RenderResult, 'seconds' | 'bytes'>> {
  const point = campaign.deliveryPoints.find((d) => d.code === DELIVERY_POINT)!;
  const now = new Date();
  const facts: PackFacts = {
    campaign: { title: campaign.title, targetGovernment: campaign.targetGovernment, timezone: campaign.timezone },
    deliveryPoint: { ...point, handInAt: new Date(point.handInAt) },
    paper: 'A4',
    // The cover's figures take the same time to print whatever they are.
    counts: { online: count, offline: 0, withheld: 0, worldwide: count, countries: 0 },
    petitions: campaign.petitions,
    generatedAt: now,
    countsAt: now,
    frozenAt: null,
  };
  const doc = new PackDocument(output, facts, { volume: 1, volumes: 1, from: 1, to: count }, fontBook());
  doc.cover();
  doc.petitions();
  await eachInBatches(rows, (row) => doc.row(row));
  return doc.finish('0'.repeat(64));
}

/** The baseline: the same cells, one text call each, in one font, a header row per page; nothing else. */
async function renderRaw(campaign: CampaignFile, rows: Iterable<ListRow>, output: Writable): Promise<Omit<RenderResult, 'seconds' | 'bytes'>> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, autoFirstPage: false });
  let pages = 0;
  doc.on('pageAdded', () => pages++);
  doc.pipe(output);
  doc.registerFont('noto', readFileSync(require.resolve(FONT_FILES.latin)));
  doc.font('noto').fontSize(ROW_TEXT_SIZE);
  const list = listGeometry('A4');
  const x = Object.values(list.columns).map((c) => c.x);
  const language = campaign.deliveryPoints.find((d) => d.code === DELIVERY_POINT)!.language;
  const names = new Intl.DisplayNames([language], { type: 'region' });
  const countryNames = new Map<string, string>();
  let rowOnPage = list.rowsPerPage;
  await eachInBatches(rows, (row) => {
    if (rowOnPage === list.rowsPerPage) {
      doc.addPage();
      ['#', 'Name', 'City', 'Country', 'Signed'].forEach((header, i) => doc.text(header, x[i], list.headerBaseline, { lineBreak: false, baseline: 'alphabetic' }));
      rowOnPage = 0;
    }
    if (!countryNames.has(row.country)) countryNames.set(row.country, names.of(row.country) ?? row.country);
    const cells = [String(row.number), row.name ?? 'name withheld', row.city ?? '', countryNames.get(row.country)!, row.signedAt.toISOString().slice(0, 10)];
    const y = list.firstRowBaseline + rowOnPage * ROW_HEIGHT;
    cells.forEach((cell, i) => doc.text(cell, x[i], y, { lineBreak: false, baseline: 'alphabetic' }));
    rowOnPage++;
  });
  doc.end();
  await finished(output);
  return { pages, missingGlyphs: 0 };
}

async function eachInBatches(rows: Iterable<ListRow>, draw: (row: ListRow) => void): Promise<void> {
  let n = 0;
  for (const row of rows) {
    draw(row);
    if (++n % CURSOR_BATCH === 0) await new Promise(setImmediate);
  }
}

/**
 * The countries of the pack in print order (by name in the pack's language), each with its number of
 * signers: three quarters from the host country, the rest spread over the countries no rule routes elsewhere.
 */
function countryBlocks(campaign: CampaignFile, count: number): { code: string; rows: number }[] {
  const point = campaign.deliveryPoints.find((d) => d.code === DELIVERY_POINT)!;
  const routed = new Set(campaign.routing.map((r) => r.country));
  const abroad = Object.keys(COUNTRIES).filter((c) => !routed.has(c));
  const abroadRows = Math.round(count * RATE.abroad);
  const rowsOf = (code: string) =>
    code === point.hostCountry ? count - abroadRows : Math.floor(abroadRows / abroad.length) + (abroad.indexOf(code) < abroadRows % abroad.length ? 1 : 0);
  return countryOrder(point.language)
    .filter((code) => code === point.hostCountry || abroad.includes(code))
    .map((code) => ({ code, rows: rowsOf(code) }));
}

/**
 * The signers of the pack in print order (country, then date signed), generated as they are read; 40 % with
 * names of another script than their country's; the names of signers in a withheld country or without
 * consent are null, as the pack's query returns them.
 */
function* packRows(campaign: CampaignFile, blocks: { code: string; rows: number }[]): Generator<ListRow> {
  const withheld = new Set(campaign.withheldCountries);
  const opens = Date.parse(campaign.opensAt);
  const span = Date.parse(campaign.closesAt) - opens;
  const cultures = Object.values(CULTURES);
  const rng = mulberry32(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  let number = 0;
  for (const { code, rows } of blocks) {
    const country = COUNTRIES[code];
    for (let i = 0; i < rows; i++) {
      const culture = rng() < RATE.otherScript ? pick(cultures) : CULTURES[pick(country.cultures)];
      const name = `${pick(culture.given)} ${pick(culture.family)}`;
      const printable = rng() >= RATE.noConsent && !withheld.has(code);
      const city = rng() < RATE.noCity ? null : pick(country.places)[0];
      yield { number: ++number, name: printable ? name : null, city, country: code, signedAt: new Date(opens + ((i + rng()) / rows) * span) };
    }
  }
}

if (require.main === module) {
  renderInThisProcess(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
