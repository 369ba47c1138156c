import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { bearerToken } from '../modules/auth/token';
import { User } from '../modules/auth/user.entity';
import { UsersService } from '../modules/auth/users.service';

/**
 * Lets only a campaign lead (role admin) through to Express middleware that Nest's AuthGuard cannot protect
 * (Bull Board is a plain Express router, not a controller). It decides as the guard does: a bearer token wins
 * over the session cookie. Its errors go through the app's error filter: 401 (a page request is sent to sign
 * in), 403 for anyone else.
 */
@Injectable()
export class AdminOnlyMiddleware implements NestMiddleware {
  constructor(private readonly users: UsersService) {}

  async use(request: Request, _response: Response, next: NextFunction): Promise<void> {
    const user = await this.signedIn(request);
    if (!user) throw new UnauthorizedError();
    if (user.role !== 'admin') throw new ForbiddenError(`The queue dashboard is for the campaign lead; you are signed in as ${user.role}.`);
    next();
  }

  private signedIn(request: Request): Promise<User | null> {
    const token = bearerToken(request.headers.authorization);
    if (token) return this.users.findByToken(token);
    const userId = request.session?.userId;
    return userId === undefined ? Promise.resolve(null) : this.users.findById(userId);
  }
}
