import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Role, User } from './user.entity';

export const PUBLIC_KEY = 'handin:public';
export const ROLES_KEY = 'handin:roles';

/** No sign-in needed (public counter, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Which roles may call a handler; scope (which section, which delivery point) is checked by the service. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): User => ctx.switchToHttp().getRequest().user);
