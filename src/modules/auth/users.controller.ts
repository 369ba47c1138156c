import { Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../../observability/api-schemas';
import { CurrentUser, Roles } from './auth.decorators';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** The people and their API tokens, for the campaign lead: who they are, when a token was last used, and stopping one. */
@ApiTags('people')
@ApiSignedIn()
@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Everyone who may sign in, with their scope and token dates (never a token); admin' })
  @ApiErrors(401, 403)
  async list() {
    return (await this.users.list()).map(personView);
  }

  /** The token stops working at once, in every API process. */
  @Post(':id/token/revoke')
  @ApiOperation({ summary: "Revoke a person's API token, in every API process at once; admin" })
  @ApiErrors(400, 401, 403, 404)
  @HttpCode(200)
  async revoke(@CurrentUser() actor: User, @Param('id', ParseIntPipe) id: number) {
    return personView(await this.users.revokeToken(actor, id));
  }

  /** A new token (shown this once); the old one stops working. */
  @Post(':id/token')
  @ApiOperation({ summary: 'Issue a new API token (shown once); the old one stops working; admin' })
  @ApiErrors(400, 401, 403, 404)
  @HttpCode(200)
  async renew(@CurrentUser() actor: User, @Param('id', ParseIntPipe) id: number) {
    const { user, token } = await this.users.renewToken(actor, id);
    return { ...personView(user), token };
  }

  /** The person can no longer sign in or use a token; what they uploaded stays counted. */
  @Post(':id/disable')
  @ApiOperation({ summary: 'Disable a person: no token, no sign-in; what they uploaded stays counted; admin' })
  @ApiErrors(400, 401, 403, 404)
  @HttpCode(200)
  async disable(@CurrentUser() actor: User, @Param('id', ParseIntPipe) id: number) {
    return personView(await this.users.disable(actor, id));
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
