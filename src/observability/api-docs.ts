import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { WebModule } from '../modules/web/web.module';

export const API_DOCS_PATH = 'api/docs';

/**
 * Every module but the web app's: its pages are HTML for people, not API, and are left out here rather than
 * marked one by one. A new module's routes are in the document by themselves; test/integration/ops-api-docs.spec.ts
 * fails until each route has a summary.
 */
function apiModules(app: INestApplication) {
  return [...app.get(ModulesContainer).values()].map((module) => module.metatype).filter((metatype) => metatype !== WebModule);
}

/** The OpenAPI document of the running app, generated from the controllers' routes and @nestjs/swagger decorators. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Handin API')
    .setDescription('Petition signatures counted once worldwide, and the hand-in packs for the day of action. See docs/design.md, "HTTP API".')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The API token printed by `users:create`.' })
    .addCookieAuth('handin.sid', { type: 'apiKey', in: 'cookie', description: 'The web app session; state-changing calls also need X-CSRF-Token.' })
    .build();
  return SwaggerModule.createDocument(app, config, { include: apiModules(app) });
}

/** Serves the document at /api/docs (Swagger UI) and /api/docs-json, generated on first request. */
export function useApiDocs(app: INestApplication): void {
  SwaggerModule.setup(API_DOCS_PATH, app, () => apiDocument(app));
}
