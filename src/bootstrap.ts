import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response } from 'express';
import { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { AppModule, AppOptions } from './app.module';
import { RefuseControlCharactersPipe } from './common/control-characters';
import { useSecurityHeaders } from './common/security-headers';
import { ErrorFilter } from './common/error.filter';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { useApiDocs } from './observability/api-docs';
import { METRIC } from './observability/metrics';
import { createDataSource } from './database/data-source';
import { runMigrations } from './database/migrate';
import { UsersService } from './modules/auth/users.service';
import { answerFirst, publishedTotalsListener } from './modules/totals/published-totals.listener';
import { PublishedTotalsRepository } from './modules/totals/published-totals.repository';
import { useWebViews } from './modules/web/views';

/** Reads the configuration or exits with every problem listed. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Brings the schema up to date; safe when several processes start at once (advisory lock). */
export async function migrate(config: AppConfig): Promise<void> {
  const dataSource = await createDataSource(config.databaseUrl).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** The HTTP API, optionally with the workers in the same process. Not yet listening. */
export async function createApi(config: AppConfig, options: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new RefuseControlCharactersPipe());
  app.useBodyParser('json', { limit: config.maxJsonBodyBytes }); // campaign.json of a large campaign
  app.useBodyParser('urlencoded', { extended: false, limit: '100kb' }); // the web app's forms
  // Behind a TLS-terminating proxy (PUBLIC_URL https), trust it for the client's address and protocol.
  if (config.publicUrl.startsWith('https://')) app.set('trust proxy', 1);
  app.disable('x-powered-by');
  useSecurityHeaders(app);
  // Pages, reports, packs and lists carry names: no browser or proxy may keep a copy. A response that may be
  // cached says so itself (the public counter, the hashed assets), replacing this header.
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  useWebViews(app, process.env.NODE_ENV === 'production');
  app.enableShutdownHooks();
  useApiDocs(app);
  // The public counter and an admin's totals, polled under load, are answered from memory ahead of Express and Nest.
  const requests = app.get<Counter<'method' | 'route' | 'status'>>(getToken(METRIC.httpRequests));
  const count = (method: string, route: string, status: number) => requests.inc({ method, route, status: String(status) });
  answerFirst(app.getHttpServer(), publishedTotalsListener(app.get(PublishedTotalsRepository), app.get(UsersService), count));
  return app;
}

/**
 * Told to stop (SIGTERM, or Ctrl-C), the API takes no further request from that moment; the requests under way
 * finish. Nest closes the listening socket only after every module's destroy hook has run (the rate limiter closes
 * its Redis connection there), and Node keeps serving a kept-alive connection (a proxy's, a polling page's) until
 * the server's last request is done: a request on one was taken by a half-closed process and answered 500. It is
 * answered 503 now, with its connection closed, and idle kept-alive connections are closed at once.
 */
export function stopTakingRequestsOnSignal(app: INestApplication): void {
  const server: Server = app.getHttpServer();
  let stopping = false;
  const stop = () => {
    stopping = true;
    server.closeIdleConnections();
  };
  // Once: Nest raises the signal again when it has shut down, and the process must then end by it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
  answerFirst(server, (_request, response) => {
    if (!stopping) return false;
    response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close', 'Retry-After': '1' });
    response.end(JSON.stringify({ statusCode: 503, error: 'shutting_down', message: 'This server is stopping. Send the request again.' }));
    return true;
  });
}

/** Services without HTTP: the worker process and the CLI. */
export async function createContext(config: AppConfig, options: AppOptions): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
