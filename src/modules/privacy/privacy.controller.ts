import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { EraseService } from './erase.service';
import { PurgeService } from './purge.service';

@Controller('api/campaigns/:slug')
@ApiTags('privacy')
export class PrivacyController {
  constructor(
    private readonly purges: PurgeService,
    private readonly erasures: EraseService,
  ) {}

  @Post('purge')
  @ApiOperation({ summary: 'Delete every piece of personal data of a finished campaign, keeping every total; admin' })
  @ApiBody({ schema: { type: 'object', properties: { dryRun: { type: 'boolean' }, confirm: { type: 'string', description: 'the campaign slug, to purge for real' } } } })
  @ApiOkResponse({ description: 'what was (or, in a dry run, would be) deleted, and a sentence to forward' })
  @HttpCode(200)
  @Roles('admin')
  purge(@CurrentUser() user: User, @Param('slug') slug: string, @Body() body: unknown) {
    return this.purges.purge(user, slug, body);
  }

  @Post('erase')
  @ApiOperation({ summary: 'Remove one signer on request (by e-mail, or name + country + postcode or city); admin' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        email: { type: 'string' },
        name: { type: 'string' },
        country: { type: 'string' },
        postcode: { type: 'string' },
        city: { type: 'string' },
        dryRun: { type: 'boolean' },
      },
    },
  })
  @ApiOkResponse({ description: 'how many signatures were (or would be) deleted, the total before and after, and a sentence to forward' })
  @HttpCode(200)
  @Roles('admin')
  erase(@CurrentUser() user: User, @Param('slug') slug: string, @Body() body: unknown) {
    return this.erasures.erase(user, slug, body);
  }
}
