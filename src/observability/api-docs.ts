import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { AuthModule } from '../modules/auth/auth.module';
import { CampaignsModule } from '../modules/campaigns/campaigns.module';
import { DedupeModule } from '../modules/dedupe/dedupe.module';
import { FreezeModule } from '../modules/freeze/freeze.module';
import { HealthModule } from '../modules/health/health.module';
import { IngestModule } from '../modules/ingest/ingest.module';
import { PacksModule } from '../modules/packs/packs.module';
import { TotalsModule } from '../modules/totals/totals.module';

export const API_DOCS_PATH = 'api/docs';

/**
 * The modules whose routes are the API (PrometheusModule hosts GET /metrics). The web app's pages (WebModule) are HTML for people, not API, and are
 * left out here rather than marked one by one; test/integration/ops-api-docs.spec.ts fails when a route of any
 * other module is missing from the document, so a new module cannot be forgotten.
 */
const API_MODULES = [AuthModule, CampaignsModule, IngestModule, DedupeModule, TotalsModule, FreezeModule, PacksModule, HealthModule, PrometheusModule];

/** The OpenAPI document of the running app, generated from the controllers' routes and @nestjs/swagger decorators. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Handin API')
    .setDescription('Petition signatures counted once worldwide, and the hand-in packs for the day of action. See docs/design.md, "HTTP API".')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The API token printed by `users:create`.' })
    .addCookieAuth('handin.sid', { type: 'apiKey', in: 'cookie', description: 'The web app session; state-changing calls also need X-CSRF-Token.' })
    .build();
  return SwaggerModule.createDocument(app, config, { include: API_MODULES });
}

/** Serves the document at /api/docs (Swagger UI) and /api/docs-json. */
export function useApiDocs(app: INestApplication): void {
  SwaggerModule.setup(API_DOCS_PATH, app, () => apiDocument(app));
}
