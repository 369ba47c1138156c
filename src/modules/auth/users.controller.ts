import { Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Roles } from './auth.decorators';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** The people and their API tokens, for the campaign lead: who they are, when a token was last used, and stopping one. */
@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list() {
    return (await this.users.list()).map(personView);
  }

  /** The token stops working at once, in every API process. */
  @Post(':id/token/revoke')
  @HttpCode(200)
  async revoke(@Param('id', ParseIntPipe) id: number) {
    return personView(await this.users.revokeToken(id));
  }

  /** A new token (shown this once); the old one stops working. */
  @Post(':id/token')
  @HttpCode(200)
  async renew(@Param('id', ParseIntPipe) id: number) {
    const { user, token } = await this.users.renewToken(id);
    return { ...personView(user), token };
  }

  /** The person can no longer sign in or use a token; what they uploaded stays counted. */
  @Post(':id/disable')
  @HttpCode(200)
  async disable(@Param('id', ParseIntPipe) id: number) {
    return personView(await this.users.disable(id));
  }
}

function personView(user: User) {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    section: user.sectionCode,
    deliveryPoint: user.deliveryPointCode,
    tokenExpiresAt: user.tokenExpiresAt,
    tokenLastUsedAt: user.tokenLastUsedAt,
    tokenRevokedAt: user.tokenRevokedAt,
    disabledAt: user.disabledAt,
    createdAt: user.createdAt,
  };
}
