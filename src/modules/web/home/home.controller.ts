import { Controller, Get, Res, UseInterceptors } from '@nestjs/common';
import { Response } from 'express';
import { CurrentUser } from '../../auth/auth.decorators';
import { User } from '../../auth/user.entity';
import { PageInterceptor } from '../page.interceptor';
import { HomeService } from './home.service';

@Controller()
@UseInterceptors(PageInterceptor)
export class HomeController {
  constructor(private readonly home: HomeService) {}

  /** Each person's home: straight to their one section or delivery point, else the list of their places. */
  @Get()
  async show(@CurrentUser() user: User, @Res() response: Response) {
    const campaigns = await this.home.placesOf(user);
    const places = campaigns.flatMap((c) => [...c.sections, ...c.deliveryPoints]);
    if (user.role !== 'admin' && places.length === 1) return response.redirect(303, places[0].href);
    response.render('home/places', { campaigns });
  }
}
