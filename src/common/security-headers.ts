import { INestApplication } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { isPage } from './page-request';

/**
 * Security headers on every response (helmet): nosniff, no framing by other sites, no referrer sent elsewhere,
 * HSTS behind https. Pages also get a Content-Security-Policy that allows only this origin's own scripts,
 * styles and forms: everything a page loads is served by the app itself, so nothing else is needed, and an
 * injected script or a form posting elsewhere is refused by the browser.
 */
export function useSecurityHeaders(app: INestApplication): void {
  app.use(helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' }, referrerPolicy: { policy: 'same-origin' } }));
  const pagePolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => (isPage(request) ? pagePolicy(request, response, next) : next()));
}
