import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError, TooManyRequestsError } from './errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Maps every error to `{statusCode, error, message}`; unexpected ones are logged and never leak a stack trace.
 * A page request (the web app marks it in `response.locals.page`) gets a friendly page instead, and a page that
 * needs a signed-in person sends the visitor to sign in first.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (response.headersSent) return;
    if (exception instanceof TooManyRequestsError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    // @nestjs/throttler names the header after the limit that was hit (Retry-After-uploads); clients read Retry-After.
    const named = body.statusCode === 429 && !response.getHeader('Retry-After') && Object.keys(response.getHeaders()).find((h) => h.startsWith('retry-after-'));
    if (named) response.setHeader('Retry-After', response.getHeader(named)!);
    if (!response.locals?.page) {
      response.status(body.statusCode).json(body);
    } else if (body.statusCode === 401 && request.method === 'GET') {
      response.redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
    } else {
      response.status(body.statusCode).render('errors/error', { ...body, message: body.statusCode >= 500 ? null : body.message }, (error, html) => {
        // A page that cannot be rendered must still answer: plain text, no stack trace.
        if (error) this.logger.error(error.stack ?? String(error));
        response.type(error ? 'text/plain' : 'html').send(error ? body.message : html);
      });
    }
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { statusCode: exception.statusCode, error: exception.code, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'object' && payload !== null && 'message' in payload
          ? [(payload as { message: unknown }).message].flat().join('; ')
          : exception.message;
      return { statusCode: status, error: exception.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(), message };
    }
    const parserError = bodyParserError(exception);
    if (parserError) return parserError;
    return { statusCode: 500, error: 'internal_error', message: 'Something went wrong on our side; it has been logged. Try again in a minute.' };
  }
}

/** The errors Express's body parsers raise before a route runs (Nest itself turns invalid JSON into a 400). */
function bodyParserError(exception: unknown): ErrorBody | null {
  const type = (exception as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    const limit = (exception as { limit?: number }).limit;
    return { statusCode: 413, error: 'body_too_large', message: `The request body is larger than ${limit ? Math.round(limit / 1024 / 1024) || 1 : 'the limit of'} MB. Send less at once.` };
  }
  if (typeof type === 'string' && type.startsWith('encoding.')) return { statusCode: 415, error: 'unsupported_encoding', message: 'Send the request body as UTF-8.' };
  return null;
}
