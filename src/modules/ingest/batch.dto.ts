import { InvalidInputError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { Batch } from './batch.entity';
import { CANONICAL_FIELDS, CanonicalField } from './reading/header-mapping';

/** The batch as the API shows it (docs/design.md "HTTP API"). */
export function batchView(batch: Batch, sectionCode: string) {
  return {
    id: batch.id,
    section: sectionCode,
    kind: batch.kind,
    status: batch.status,
    sha256: batch.sha256,
    fileName: batch.originalName,
    note: batch.note,
    progress: Math.round(batch.progress * 100) / 100,
    rows: batch.rows,
    accepted: batch.accepted,
    rejected: batch.rejected,
    rejectionsByReason: batch.rejectionsByReason,
    duplicatesInBatch: batch.duplicatesInBatch,
    duplicatesExisting: batch.duplicatesExisting,
    counted: batch.counted,
    tally: batch.kind === 'tally' ? { count: batch.tallyCount, country: batch.tallyCountry, deliveryPoint: batch.tallyDeliveryPointCode } : undefined,
    error: batch.error,
    createdAt: batch.createdAt,
    committedAt: batch.committedAt,
    retractedAt: batch.retractedAt,
  };
}
export type BatchView = ReturnType<typeof batchView>;

/** A note is a line for people (where the signatures were collected), a date format a handful of tokens (validated config). */
export type TextLimits = Pick<AppConfig, 'maxNoteChars' | 'maxDateFormatChars' | 'maxMappingColumnChars'>;

/** Reads the optional `mapping` form field: a JSON object from canonical field to the file's column name. */
export function parseMappingField(raw: string | undefined, limits: TextLimits): Partial<Record<CanonicalField, string>> | null {
  if (!raw?.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidInputError('invalid_mapping', `mapping must be JSON like {"email":"Courriel","full_name":"Nom complet"}; got ${raw.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('invalid_mapping', 'mapping must be a JSON object from field to column name, e.g. {"email":"Courriel"}.');
  }
  const unknown = Object.keys(value).filter((k) => !(CANONICAL_FIELDS as readonly string[]).includes(k));
  const notText = Object.entries(value).filter(([, v]) => typeof v !== 'string' || !v.trim() || v.length > limits.maxMappingColumnChars);
  if (unknown.length || notText.length) {
    throw new InvalidInputError(
      'invalid_mapping',
      [
        unknown.length && `unknown field(s) ${unknown.join(', ')} (fields are ${CANONICAL_FIELDS.join(', ')})`,
        notText.length && `field(s) ${notText.map(([k]) => k).join(', ')} need a column name (of at most ${limits.maxMappingColumnChars} characters)`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return value as Partial<Record<CanonicalField, string>>;
}

export function refuseLongNote(note: string | undefined, limits: TextLimits): void {
  if (note && note.length > limits.maxNoteChars) {
    throw new InvalidInputError('note_too_long', `The note may have at most ${limits.maxNoteChars} characters; shorten it.`);
  }
}

export function refuseLongDateFormat(dateFormat: string | null | undefined, limits: TextLimits): void {
  if (dateFormat && dateFormat.length > limits.maxDateFormatChars) {
    throw new InvalidInputError('invalid_date_format', `A date format has at most ${limits.maxDateFormatChars} characters, like "DD/MM/YYYY HH:mm".`);
  }
}

/** How to read an upload: what it says, else the section's saved preset. */
export function readingOptions(
  fields: Record<string, string>,
  preset: { presetMapping: Record<string, string> | null; presetDateFormat: string | null },
  limits: TextLimits,
) {
  refuseLongNote(fields.note, limits);
  refuseLongDateFormat(fields.dateFormat, limits);
  return {
    mapping: parseMappingField(fields.mapping, limits) ?? (preset.presetMapping as Partial<Record<CanonicalField, string>> | null),
    dateFormat: fields.dateFormat?.trim() || preset.presetDateFormat,
  };
}

export interface TallyInput {
  kind: 'tally';
  count: number;
  country?: string;
  note?: string;
}

export function parseTallyBody(body: unknown, limits: TextLimits): TallyInput {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.kind !== 'tally') {
    throw new InvalidInputError('bad_upload', 'Send a file as multipart/form-data (field "file"), or JSON {"kind":"tally","count":120,"country":"NL","note":"…"} for paper signatures.');
  }
  if (!Number.isInteger(b.count) || (b.count as number) <= 0 || (b.count as number) > 10_000_000) {
    throw new InvalidInputError('invalid_tally', 'count must be a whole number of signatures greater than 0.');
  }
  if (b.country !== undefined && typeof b.country !== 'string') throw new InvalidInputError('invalid_tally', 'country must be a country name or ISO code.');
  if (b.note !== undefined && typeof b.note !== 'string') throw new InvalidInputError('invalid_tally', 'note must be text.');
  refuseLongNote(b.note as string | undefined, limits);
  return { kind: 'tally', count: b.count as number, country: b.country as string | undefined, note: b.note as string | undefined };
}
