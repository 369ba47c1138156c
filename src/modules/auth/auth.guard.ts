import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../common/errors';
import { BadCredentialsLimiter } from './bad-credentials.limiter';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { bearerToken } from './token';
import { Request } from 'express';
import { Role, User } from './user.entity';
import { UsersService } from './users.service';

/**
 * Every route needs a signed-in person with an allowed role unless it is marked @Public(): by bearer token (API
 * clients) or by web session cookie (the browser). Both give the same User, so the roles here and the scope rules
 * of access.ts decide for web pages and API alike.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly badCredentials: BadCredentialsLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const user = await this.signedIn(request);
    if (!user) throw new UnauthorizedError();
    request.user = user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new ForbiddenError(`This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}.`);
    }
    return true;
  }

  /** A bearer token wins over a session cookie: a script's request is never taken for the browser's. */
  private async signedIn(request: Request): Promise<User | null> {
    const token = bearerToken(request.headers.authorization);
    if (token) {
      const address = request.ip ?? 'unknown';
      const wait = await this.badCredentials.retryAfter(address);
      if (wait > 0) throw new TooManyRequestsError(`Too many requests with a wrong API token from your address. Wait ${wait} seconds.`, wait);
      const user = await this.users.findByToken(token);
      if (!user) await this.badCredentials.failed(address);
      return user;
    }
    const userId = request.session?.userId;
    return userId === undefined ? Promise.resolve(null) : this.users.findById(userId);
  }
}
