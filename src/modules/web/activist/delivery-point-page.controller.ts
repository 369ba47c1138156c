import { Controller, Get, Param, Render, UseInterceptors } from '@nestjs/common';
import { CurrentUser, Roles } from '../../auth/auth.decorators';
import { User } from '../../auth/user.entity';
import { PageInterceptor } from '../page.interceptor';
import { DeliveryPointPageService } from './delivery-point-page.service';

/** The activist's page: one per delivery point, built for a phone outside the embassy. */
@Controller()
@Roles('admin', 'activist')
@UseInterceptors(PageInterceptor)
export class DeliveryPointPageController {
  constructor(private readonly pages: DeliveryPointPageService) {}

  @Get('campaigns/:slug/delivery-points/:code')
  @Render('activist/delivery-point')
  page(@CurrentUser() user: User, @Param('slug') slug: string, @Param('code') code: string) {
    return this.pages.page(user, slug, code);
  }
}
