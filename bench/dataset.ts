/**
 * Deterministic section exports for the benchmark: the same spec gives the same bytes on every machine.
 * About 85 bytes a row; ~10 % of rows repeat a signer of the same file (half of them written differently:
 * case, spaces, a +tag, gmail dots, an upper-cased name), ~0.4 % are invalid, 5 % of signers have no e-mail,
 * 10 % live abroad, and 40 % have names from other scripts than the section's own.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { mulberry32 } from '../src/demo/seeded-random';
import { ABROAD, COUNTRIES, CULTURES } from './name-pools';
import { BenchOptions } from './options';
import { progress } from './report';

export interface DatasetSpec {
  /** Section code in demo/campaign.json that uploads this export. */
  section: string;
  /** That section's country, a key of COUNTRIES. */
  country: string;
  rows: number;
  /** Signers of this file are numbered from here; files with disjoint ranges share nobody by accident. */
  firstPerson: number;
  /** Another file whose signers this one repeats in `share` of its rows (cross-section duplicates). */
  repeats?: { country: string; firstPerson: number; people: number; share: number };
}

const HEADERS = ['First name', 'Last name', 'Email', 'Country', 'Region', 'Postcode', 'City', 'Signed at', 'Consent'];
const SEED = 20170602;
const RATE = { invalid: 0.004, repeatInFile: 0.1, noEmail: 0.05, abroad: 0.1, otherScript: 0.4, noConsent: 0.05 };
const OPENS = Date.parse('2017-04-20T00:00:00Z');
const CLOSES = Date.parse('2017-06-02T12:00:00Z');
const CULTURE_NAMES = Object.keys(CULTURES);

interface Person {
  given: string;
  family: string;
  email: string;
  country: string;
  region: string;
  postcode: string;
  city: string;
  consent: string;
}

/** The large export (section NL) that the ingest and the load measurements upload. */
export function largeExport(rows: number): DatasetSpec {
  return { section: 'NL', country: 'NL', rows, firstPerson: 0 };
}

/**
 * Two exports of two other sections for the scale-out, a quarter of the rows each (keeps a 1M-row run well
 * under 15 minutes on two cores); the second repeats 3 % of the first's signers.
 */
export function scaleOutExports(rows: number): [DatasetSpec, DatasetSpec] {
  const quarter = Math.floor(rows / 4);
  const de: DatasetSpec = { section: 'DE', country: 'DE', rows: quarter, firstPerson: 10_000_000 };
  // A file has at least 85 % new signers, so every repeated signer exists in the first file.
  const repeats = { country: de.country, firstPerson: de.firstPerson, people: Math.floor(quarter * 0.85), share: 0.03 };
  return [de, { section: 'BR', country: 'BR', rows: quarter, firstPerson: 20_000_000, repeats }];
}

const written = new Map<string, Promise<string>>();

/** The file of `spec` for this run, written on first use (always fresh: a stale file from older code would mislead). */
export function datasetFile(options: BenchOptions, spec: DatasetSpec): Promise<string> {
  const path = join(options.workDir, 'data', `${spec.section.toLowerCase()}-${spec.rows}.csv`);
  if (!written.has(path)) {
    written.set(path, (async () => {
      progress(`writing ${spec.rows.toLocaleString('en')} rows for section ${spec.section}`);
      const bytes = await writeDataset(spec, path);
      progress(`wrote ${path} (${(bytes / 1e6).toFixed(1)} MB)`);
      return path;
    })());
  }
  return written.get(path)!;
}

/** Writes the export to `path`; returns the number of bytes written. */
async function writeDataset(spec: DatasetSpec, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const file = createWriteStream(path);
  const csv = stringify({ header: true, columns: HEADERS });
  csv.pipe(file);
  for (const record of records(spec)) {
    if (!csv.write(record)) await once(csv, 'drain');
  }
  csv.end();
  await finished(file);
  return file.bytesWritten;
}

function* records(spec: DatasetSpec): Generator<string[]> {
  const rng = mulberry32(SEED ^ spec.firstPerson);
  let people = 0;
  for (let row = 0; row < spec.rows; row++) {
    const signedAt = signedAtText(rng);
    const roll = rng();
    if (roll < RATE.invalid) {
      yield invalidRow(person(spec.firstPerson + people++, spec.country), row, signedAt);
    } else if (roll < RATE.invalid + RATE.repeatInFile && people > 0) {
      yield rowOf(rewritten(person(spec.firstPerson + Math.floor(rng() * people), spec.country), rng), signedAt);
    } else if (spec.repeats && roll < RATE.invalid + RATE.repeatInFile + spec.repeats.share) {
      const other = spec.repeats.firstPerson + Math.floor(rng() * spec.repeats.people);
      yield rowOf(rewritten(person(other, spec.repeats.country), rng), signedAt);
    } else {
      yield rowOf(person(spec.firstPerson + people++, spec.country), signedAt);
    }
  }
}

/** The signer numbered `id`: the same person every time it is asked for. */
function person(id: number, homeCountry: string): Person {
  const rng = mulberry32(SEED + id * 2654435761);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  const countryCode = rng() < RATE.abroad ? pick(ABROAD) : homeCountry;
  const country = COUNTRIES[countryCode];
  const culture = CULTURES[rng() < RATE.otherScript ? pick(CULTURE_NAMES) : pick(country.cultures)];
  const given = pick(culture.given);
  const family = pick(culture.family);
  const [city, region, pattern] = pick(country.places);
  const withEmail = rng() >= RATE.noEmail;
  const postcode = rng() < 0.8 ? fillPattern(pattern, rng) : '';
  return {
    given,
    family,
    email: withEmail ? `${emailLocalPart(given, family, id, rng)}@${pick(country.domains)}` : '',
    country: pick(country.spellings),
    // Many exports have no region column filled in; routing needs it only where a rule names one (AU NSW).
    region: rng() < 0.3 ? region : '',
    postcode,
    // Without an e-mail a postcode or a city tells people apart; keep one so the row is identifiable.
    city: rng() < 0.85 || (!withEmail && !postcode) ? city : '',
    consent: rng() < RATE.noConsent ? 'no' : 'yes',
  };
}

/** ASCII letters of the name where it has them (accents dropped), else a neutral word; the id keeps it unique. */
function emailLocalPart(given: string, family: string, id: number, rng: () => number): string {
  const [a, b] = [asciiLetters(given) || 'signer', asciiLetters(family) || 'petition'];
  const forms = [`${a}.${b[0]}${id}`, `${a[0]}${b}${id}`, `${b}${id}`, `${a}${id}`];
  return forms[Math.floor(rng() * forms.length)];
}

const asciiCache = new Map<string, string>();
function asciiLetters(name: string): string {
  let letters = asciiCache.get(name);
  if (letters === undefined) {
    letters = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
    asciiCache.set(name, letters); // the pools are small: a few hundred names
  }
  return letters;
}

/** The same person written as a re-submission: identical half the time, else differing only in what dedupe normalises. */
function rewritten(p: Person, rng: () => number): Person {
  if (rng() < 0.5) return p;
  if (!p.email) return { ...p, given: p.given.toUpperCase(), family: p.family.toUpperCase(), postcode: p.postcode.replace(/[\s-]/g, '') };
  const [local, domain] = p.email.split('@');
  const forms = [p.email.toUpperCase(), ` ${p.email} `, `${local}+petition@${domain}`, `${local[0].toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`];
  if (domain === 'gmail.com') forms.push(`${local.replace(/\./g, '') || local}@googlemail.com`, `${local.split('').join('.')}@gmail.com`);
  return { ...p, email: forms[Math.floor(rng() * forms.length)] };
}

/** One of the refusal reasons, in turn, so the rejection report has every kind. */
function invalidRow(p: Person, row: number, signedAt: string): string[] {
  switch (row % 5) {
    case 0:
      return rowOf({ ...p, given: '', family: '' }, signedAt);
    case 1:
      return rowOf({ ...p, email: p.email ? p.email.replace('@', ' at ') : 'nobody at example' }, signedAt);
    case 2:
      return rowOf({ ...p, country: 'Atlantis' }, signedAt);
    case 3:
      return rowOf({ ...p, email: '', postcode: '', city: '' }, signedAt);
    default:
      return rowOf(p, '2099-01-01T00:00:00Z');
  }
}

function rowOf(p: Person, signedAt: string): string[] {
  return [p.given, p.family, p.email, p.country, p.region, p.postcode, p.city, signedAt, p.consent];
}

/** ISO 8601 in UTC mostly, else what many CRMs export: `YYYY-MM-DD HH:mm:ss` or the day alone (read in the campaign's zone). */
function signedAtText(rng: () => number): string {
  const at = new Date(OPENS + Math.floor(rng() * ((CLOSES - OPENS) / 1000)) * 1000).toISOString();
  const form = rng();
  if (form < 0.6) return `${at.slice(0, 19)}Z`;
  return form < 0.8 ? `${at.slice(0, 10)} ${at.slice(11, 19)}` : at.slice(0, 10);
}

function fillPattern(pattern: string, rng: () => number): string {
  return pattern.replace(/[#@]/g, (p) => (p === '#' ? String(Math.floor(rng() * 10)) : 'ABCEGHJKLMNPRSTVXY'[Math.floor(rng() * 18)]));
}
