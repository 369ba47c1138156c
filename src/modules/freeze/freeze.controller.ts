import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { FreezeService } from './freeze.service';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, SCHEMA } from '../../observability/api-schemas';

@Controller('api/campaigns/:slug/freeze')
@ApiTags('freeze')
@ApiSignedIn()
export class FreezeController {
  constructor(private readonly freezes: FreezeService) {}

  @Post()
  @ApiOperation({ summary: 'Freeze the numbers for the day of action; admin' })
  @ApiOkResponse({ schema: SCHEMA.freeze })
  @ApiErrors(401, 403, 404)
  @HttpCode(200)
  @Roles('admin')
  freeze(@CurrentUser() user: User, @Param('slug') slug: string) {
    return this.freezes.freeze(user, slug);
  }
}
