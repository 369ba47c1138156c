import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import { METRIC } from './metrics';

/**
 * Counts every answer Express sends, by route pattern (not the URL: one series per route, whatever the slug or
 * id), so the guard's 401s and 403s are counted too, which an interceptor would not see.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@InjectMetric(METRIC.httpRequests) private readonly requests: Counter<'method' | 'route' | 'status'>) {}

  use(request: Request, response: Response, next: NextFunction): void {
    response.on('finish', () => {
      const route = request.route ? `${request.baseUrl}${request.route.path}` : 'unmatched';
      this.requests.inc({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  }
}
