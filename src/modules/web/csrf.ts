import { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { DomainError } from '../../common/errors';
import { isPage } from '../../common/page-request';

/**
 * CSRF protection by the synchronizer-token pattern (csrf-sync): a random token in the session, echoed by every
 * state-changing request — `_csrf` in a form, or the `X-CSRF-Token` header from htmx and fetch.
 * A request with an Authorization header is exempt: it is authenticated by its bearer token, which a browser
 * never adds on its own. An API request without a signed-in session is exempt too: it carries no authority to
 * abuse, and the guard answers it 401 as before.
 */
const csrf = csrfSync({
  getTokenFromRequest: (request) => (request.headers['x-csrf-token'] as string | undefined) ?? (request.body as { _csrf?: string } | undefined)?._csrf,
});

export class CsrfError extends DomainError {
  constructor() {
    super(403, 'csrf_failed', 'This form was open too long or you signed out meanwhile. Reload the page and try again.');
  }
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

function exempt(request: Request): boolean {
  if (request.headers.authorization) return true;
  return !isPage(request) && request.session?.userId === undefined;
}

export const csrfProtection: RequestHandler = (request, _response, next) => {
  if (SAFE_METHODS.includes(request.method) || exempt(request) || csrf.isRequestValid(request)) return next();
  next(new CsrfError());
};

/** The session's token, created on first use (the page puts it into its forms and htmx headers). */
export function csrfToken(request: Request): string {
  return csrf.generateToken(request);
}
