import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { PresetsService } from './presets.service';

@Controller('api/campaigns/:slug/sections/:section/preset')
@Roles('admin', 'coordinator')
export class PresetsController {
  constructor(private readonly presets: PresetsService) {}

  @Get()
  get(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string) {
    return this.presets.get(user, slug, section);
  }

  /** Body `{mapping: {"email": "Courriel", ...} | null, dateFormat: "DD/MM/YYYY" | null}`. */
  @Put()
  save(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Body() body: unknown) {
    return this.presets.save(user, slug, section, body);
  }
}
