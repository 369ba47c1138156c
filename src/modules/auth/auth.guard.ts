import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '../../common/errors';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { bearerToken } from './token';
import { Role } from './user.entity';
import { UsersService } from './users.service';

/** Every route needs a valid bearer token and an allowed role unless it is marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const token = bearerToken(request.headers.authorization);
    const user = token ? await this.users.findByToken(token) : null;
    if (!user) throw new UnauthorizedError();
    request.user = user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new ForbiddenError(`This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}.`);
    }
    return true;
  }
}
