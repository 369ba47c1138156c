import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { PresetsService } from './presets.service';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, SCHEMA } from '../../observability/api-schemas';

@Controller('api/campaigns/:slug/sections/:section/preset')
@ApiTags('batches')
@ApiSignedIn()
@ApiErrors(401, 403, 404)
@Roles('admin', 'coordinator')
export class PresetsController {
  constructor(private readonly presets: PresetsService) {}

  @Get()
  @ApiOperation({ summary: 'The section\'s saved column mapping and date format' })
  @ApiOkResponse({ schema: SCHEMA.preset })
  get(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string) {
    return this.presets.get(user, slug, section);
  }

  /** Body `{mapping: {"email": "Courriel", ...} | null, dateFormat: "DD/MM/YYYY" | null}`. */
  @Put()
  @ApiOperation({ summary: 'Save the section\'s column mapping and date format' })
  @ApiBody({ schema: SCHEMA.preset })
  @ApiOkResponse({ schema: SCHEMA.preset })
  @ApiErrors(400)
  save(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Body() body: unknown) {
    return this.presets.save(user, slug, section, body);
  }
}
