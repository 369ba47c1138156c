import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * OpenAPI schemas of the API's bodies, written from docs/design.md "HTTP API": the handlers take and return
 * plain objects checked by zod or built by services, so there are no DTO classes to generate them from.
 * Only decorators live here; no handler depends on them.
 */

/** `{statusCode, error, message}`: every error of the API (src/common/error.filter.ts). */
export class ApiErrorBody {
  @ApiProperty({ example: 404 })
  statusCode!: number;
  @ApiProperty({ description: 'A stable code', example: 'not_found' })
  error!: string;
  @ApiProperty({ description: 'What to do about it, for a person', example: 'No batch with this id.' })
  message!: string;
}

const ERROR_MEANING: Record<number, string> = {
  400: 'The request is invalid; the message names every problem',
  401: 'Not signed in (no or an unknown token or session)',
  403: 'Signed in without the role this needs',
  404: 'Not found, or not in your section or delivery point',
  409: 'Conflicts with the current state',
  413: 'The file is larger than MAX_UPLOAD_BYTES',
  422: 'The file cannot be read',
};

/** The error answers a route can give, each with the error shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ApiErrorBody),
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_MEANING[status], schema: { $ref: getSchemaPath(ApiErrorBody) } })),
  );
}

/** A signed-in person: an API token, or the web app's session cookie. */
export function ApiSignedIn() {
  return applyDecorators(ApiBearerAuth(), ApiCookieAuth());
}

/** A file download. */
export function fileSchema(): SchemaObject {
  return { type: 'string', format: 'binary' };
}

const counts = (key: string): SchemaObject => ({
  type: 'array',
  items: { type: 'object', properties: { [key]: { type: 'string' }, online: { type: 'integer' }, offline: { type: 'integer' } } },
});

export const SCHEMA: Record<string, SchemaObject> = {
  campaignSummary: {
    type: 'object',
    properties: {
      slug: { type: 'string' },
      title: { type: 'string' },
      targetGovernment: { type: 'string' },
      goal: { type: 'integer' },
      dayOfAction: { type: 'string', format: 'date', nullable: true },
      frozenAt: { type: 'string', format: 'date-time', nullable: true },
    },
  },
  campaignDefinition: {
    type: 'object',
    description: 'campaign.json (docs/design.md "Vocabulary"; example: demo/campaign.json)',
    required: ['title', 'targetGovernment', 'goal', 'timezone', 'defaultDeliveryPoint', 'petitions', 'sections', 'deliveryPoints', 'routing'],
    properties: {
      slug: { type: 'string' },
      title: { type: 'string' },
      targetGovernment: { type: 'string' },
      targetCountry: { type: 'string', description: 'ISO 3166 alpha-2' },
      goal: { type: 'integer' },
      opensAt: { type: 'string', format: 'date-time' },
      closesAt: { type: 'string', format: 'date-time' },
      dayOfAction: { type: 'string', format: 'date' },
      timezone: { type: 'string', example: 'Europe/Amsterdam' },
      defaultDeliveryPoint: { type: 'string' },
      withheldCountries: { type: 'array', items: { type: 'string' } },
      petitions: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, language: { type: 'string' }, title: { type: 'string' }, addressees: { type: 'array', items: { type: 'string' } }, body: { type: 'string' } } } },
      sections: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, country: { type: 'string' }, petition: { type: 'string' }, defaultDeliveryPoint: { type: 'string' } } } },
      deliveryPoints: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            code: { type: 'string' },
            kind: { type: 'string', enum: ['embassy', 'consulate', 'representative-office', 'other'] },
            hostCountry: { type: 'string' },
            city: { type: 'string' },
            address: { type: 'string' },
            addressee: { type: 'string' },
            handInAt: { type: 'string', format: 'date-time' },
            language: { type: 'string' },
            paperSize: { type: 'string', enum: ['A4', 'Letter'] },
          },
        },
      },
      routing: { type: 'array', items: { type: 'object', properties: { country: { type: 'string' }, region: { type: 'string' }, deliveryPoint: { type: 'string' } } } },
    },
  },
  batch: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      section: { type: 'string' },
      kind: { type: 'string', enum: ['signatures', 'tally'] },
      status: { type: 'string', enum: ['queued', 'parsing', 'deduplicating', 'aggregating', 'done', 'failed', 'retracted'] },
      sha256: { type: 'string', nullable: true },
      fileName: { type: 'string', nullable: true },
      note: { type: 'string', nullable: true },
      progress: { type: 'number', minimum: 0, maximum: 1 },
      rows: { type: 'integer' },
      accepted: { type: 'integer' },
      rejected: { type: 'integer' },
      rejectionsByReason: { type: 'object', additionalProperties: { type: 'integer' } },
      duplicatesInBatch: { type: 'integer' },
      duplicatesExisting: { type: 'integer' },
      counted: { type: 'integer' },
      tally: { type: 'object', nullable: true },
      error: { type: 'string', nullable: true },
      createdAt: { type: 'string', format: 'date-time' },
      committedAt: { type: 'string', format: 'date-time', nullable: true },
      retractedAt: { type: 'string', format: 'date-time', nullable: true },
    },
  },
  preview: { type: 'object', description: 'What the file would give: format, encoding, delimiter, headers, mapping, counts by rejection reason, sample rows; nothing stored' },
  upload: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', format: 'binary', description: 'CSV, TSV or XLSX export' },
      mapping: { type: 'string', description: 'JSON: canonical field → header, e.g. {"email":"Courriel"}' },
      dateFormat: { type: 'string', example: 'DD/MM/YYYY' },
      note: { type: 'string' },
      savePreset: { type: 'string', enum: ['true'] },
    },
  },
  tally: {
    type: 'object',
    required: ['kind', 'count'],
    properties: { kind: { type: 'string', enum: ['tally'] }, count: { type: 'integer', minimum: 1 }, country: { type: 'string' }, note: { type: 'string' } },
  },
  preset: {
    type: 'object',
    properties: { mapping: { type: 'object', nullable: true, additionalProperties: { type: 'string' } }, dateFormat: { type: 'string', nullable: true } },
  },
  totals: {
    type: 'object',
    properties: {
      campaign: { type: 'string' },
      section: { type: 'string', description: "a coordinator's section" },
      total: { type: 'integer' },
      online: { type: 'integer' },
      offline: { type: 'integer' },
      goal: { type: 'integer' },
      progress: { type: 'number' },
      updatedAt: { type: 'string', format: 'date-time', nullable: true },
      frozenAt: { type: 'string', format: 'date-time', nullable: true },
      byCountry: counts('country'),
      bySection: counts('section'),
      byDeliveryPoint: counts('deliveryPoint'),
      byDay: counts('day'),
      frozen: { type: 'object', nullable: true },
      afterFreeze: { type: 'object', nullable: true },
    },
  },
  counter: {
    type: 'object',
    properties: { total: { type: 'integer' }, goal: { type: 'integer' }, updatedAt: { type: 'string', format: 'date-time', nullable: true } },
  },
  freeze: { type: 'object', properties: { frozenAt: { type: 'string', format: 'date-time' } } },
  audit: {
    type: 'object',
    properties: {
      lines: {
        type: 'array',
        items: {
          type: 'object',
          description: 'One action: who, when, on what, how it ended; never signer data',
          properties: {
            id: { type: 'string', description: 'Pass as `before` for the next page' },
            at: { type: 'string', format: 'date-time' },
            action: { type: 'string', example: 'batch.retract' },
            actor: { type: 'string', example: 'lead@example.org' },
            actorId: { type: 'integer', nullable: true },
            outcome: { type: 'string', enum: ['ok', 'refused'] },
            campaign: { type: 'string', nullable: true },
            section: { type: 'string', nullable: true },
            deliveryPoint: { type: 'string', nullable: true },
            batchId: { type: 'string', format: 'uuid', nullable: true },
            personId: { type: 'integer', nullable: true },
            address: { type: 'string', nullable: true, description: 'The client address, for sign-ins' },
            detail: { type: 'object', description: 'Counts and flags of the action' },
          },
        },
      },
    },
  },
  generatePacks: { type: 'object', properties: { volumeSize: { type: 'integer', minimum: 1, example: 25000 } } },
  packs: { type: 'object', properties: { packs: { type: 'array', items: { type: 'object' } } } },
  pack: {
    type: 'object',
    properties: {
      deliveryPoint: { type: 'string' },
      status: { type: 'string' },
      stale: { type: 'boolean' },
      frozen: { type: 'boolean' },
      signatures: { type: 'integer' },
      online: { type: 'integer' },
      offline: { type: 'integer' },
      withheld: { type: 'integer' },
      pages: { type: 'integer' },
      sha256: { type: 'string', nullable: true },
      listSha256: { type: 'string', nullable: true },
      volumes: { type: 'integer' },
      generatedAt: { type: 'string', format: 'date-time', nullable: true },
      countsAt: { type: 'string', format: 'date-time', nullable: true },
      error: { type: 'string', nullable: true },
    },
  },
};
