import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators';
import { FreezeService } from './freeze.service';

@Controller('api/campaigns/:slug/freeze')
export class FreezeController {
  constructor(private readonly freezes: FreezeService) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  freeze(@Param('slug') slug: string) {
    return this.freezes.freeze(slug);
  }
}
