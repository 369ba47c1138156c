import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Request, Response } from 'express';
import { Observable } from 'rxjs';

/** Puts the signed-in person (found by the guard, which runs before this) where the layout can show them. */
@Injectable()
export class PageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    http.getResponse<Response>().locals.user = http.getRequest<Request & { user?: unknown }>().user ?? null;
    return next.handle();
  }
}
