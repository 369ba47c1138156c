import { Controller, Get, Header, Param, Sse, StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { Observable } from 'rxjs';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { TotalsEventsService } from './totals-events.service';
import { TotalsService } from './totals.service';

@Controller()
export class TotalsController {
  constructor(
    private readonly totals: TotalsService,
    private readonly events: TotalsEventsService,
  ) {}

  @Get('api/campaigns/:slug/totals')
  @Roles('admin', 'coordinator')
  get(@CurrentUser() user: User, @Param('slug') slug: string) {
    return this.totals.forUser(user, slug);
  }

  /** One row per breakdown entry, for spreadsheets. */
  @Get('api/campaigns/:slug/totals.csv')
  @Roles('admin', 'coordinator')
  async csv(@CurrentUser() user: User, @Param('slug') slug: string) {
    const t = await this.totals.forUser(user, slug);
    const rows = [
      ['breakdown', 'key', 'online', 'offline'],
      ['total', 'all', t.online, t.offline],
      ...t.bySection.map((s) => ['section', s.section, s.online, s.offline]),
      ...t.byCountry.map((s) => ['country', s.country, s.online, s.offline]),
      ...t.byDeliveryPoint.map((s) => ['delivery point', s.deliveryPoint, s.online, s.offline]),
      ...t.byDay.map((s) => ['day', s.day, s.online, '']),
    ];
    return new StreamableFile(Buffer.from(stringify(rows)), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="totals-${slug}.csv"` });
  }

  @Sse('api/campaigns/:slug/events')
  @Roles('admin')
  stream(@CurrentUser() user: User, @Param('slug') slug: string): Observable<MessageEvent> {
    return this.events.stream(user, slug) as unknown as Observable<MessageEvent>;
  }

  /** The public counter for a campaign web page: no personal data, any origin, cacheable for a few seconds. */
  @Get('public/campaigns/:slug/counter')
  @Public()
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', 'public, max-age=5')
  counter(@Param('slug') slug: string) {
    return this.totals.publicCounter(slug);
  }
}
