import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { WebModule } from '../../src/modules/web/web.module';
import { TestApp } from '../support/test-app';

/** Every route Nest registered, as `GET /api/batches/{id}`, except the web app's pages. */
function apiRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    if (module.metatype === WebModule) continue;
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const prototype = metatype.prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
        routes.push(`${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler)]} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return routes.sort();
}

describe('GET /api/docs', () => {
  let t: TestApp;
  let document: any;
  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    document = (await t.http.get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('serves Swagger UI without sign-in', async () => {
    const page = await t.http.get('/api/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('is a valid OpenAPI document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('documents every API route and no web page', () => {
    const documented = Object.entries(document.paths as Record<string, object>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const routes = apiRoutes(t);
    expect(routes.length).toBeGreaterThan(20);
    expect(documented).toEqual(routes);
    expect(documented.filter((route) => / \/(sign-in|sections|delivery-points|assets)/.test(route))).toEqual([]);
  });

  // Nest puts every route into the document by itself; a route counts as documented once it says what it does
  // (@ApiOperation). Schemas of its bodies are added where practical.
  it('describes every API route', () => {
    const undocumented = Object.entries(document.paths as Record<string, Record<string, { summary?: string }>>).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => !operation.summary)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('describes the error shape {statusCode, error, message} on the routes that can fail', () => {
    expect(document.components.schemas.ApiErrorBody).toMatchObject({
      required: ['statusCode', 'error', 'message'],
      properties: { statusCode: { type: 'number' }, error: { type: 'string' }, message: { type: 'string' } },
    });
    const unauthorized = document.paths['/api/batches/{id}'].get.responses['401'];
    expect(unauthorized.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ApiErrorBody' });
    const upload = document.paths['/api/campaigns/{slug}/sections/{section}/batches'].post;
    expect(Object.keys(upload.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(Object.keys(upload.responses).sort()).toEqual(['200', '202', '400', '401', '403', '404', '413', '422']);
  });
});
