import { Controller, Get, Header, Param, Res, Sse, StreamableFile } from '@nestjs/common';
import { safeCsv } from '../../common/safe-csv';
import { Response } from 'express';
import { Observable } from 'rxjs';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { CachedBody } from './cached-body';
import { PUBLIC_COUNTER_CACHE_CONTROL } from './published-totals.listener';
import { TotalsEventsService } from './totals-events.service';
import { TotalsService } from './totals.service';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, fileSchema, SCHEMA } from '../../observability/api-schemas';

@Controller()
@ApiTags('totals')
export class TotalsController {
  constructor(
    private readonly totals: TotalsService,
    private readonly events: TotalsEventsService,
  ) {}

  /** Once this process holds a campaign's totals, an admin's requests are answered ahead of Nest (published-totals.listener.ts). */
  @Get('api/campaigns/:slug/totals')
  @ApiOperation({ summary: 'The totals with every breakdown (ETag); admin, or a coordinator for their section\'s share' })
  @ApiSignedIn()
  @ApiOkResponse({ schema: SCHEMA.totals })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'coordinator')
  @Header('Content-Type', 'application/json; charset=utf-8')
  async get(@CurrentUser() user: User, @Param('slug') slug: string, @Res({ passthrough: true }) response: Response) {
    return withEtag(response, await this.totals.bodyForUser(user, slug));
  }

  /** One row per breakdown entry, for spreadsheets. */
  @Get('api/campaigns/:slug/totals.csv')
  @ApiOperation({ summary: 'The totals, one row per breakdown entry' })
  @ApiSignedIn()
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404)
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
    return new StreamableFile(Buffer.from(safeCsv(rows)), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="totals-${slug}.csv"` });
  }

  @Sse('api/campaigns/:slug/events')
  @ApiOperation({ summary: 'Server-sent events `totals`: the current totals, then every change; admin' })
  @ApiSignedIn()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A stream of `totals` events, each with the totals as data' })
  @ApiErrors(401, 403, 404)
  @Roles('admin')
  stream(@CurrentUser() user: User, @Param('slug') slug: string): Observable<MessageEvent> {
    return this.events.stream(user, slug) as unknown as Observable<MessageEvent>;
  }

  /**
   * The public counter for a campaign web page: no personal data, any origin, cacheable for a few seconds. Once
   * this process holds a campaign's counter, requests for it are answered ahead of Nest
   * (published-totals.listener.ts, with the same headers); this handler serves the others and loads the counter.
   */
  @Get('public/campaigns/:slug/counter')
  @ApiOperation({ summary: 'The public counter: no sign-in, any origin, cacheable a few seconds' })
  @ApiOkResponse({ schema: SCHEMA.counter })
  @ApiErrors(404)
  @Public()
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', PUBLIC_COUNTER_CACHE_CONTROL)
  async counter(@Param('slug') slug: string, @Res({ passthrough: true }) response: Response) {
    return withEtag(response, await this.totals.publicCounter(slug));
  }
}

/** The body as a string (Nest would serialise an object again), with the entity tag computed when it was cached. */
function withEtag(response: Response, body: CachedBody): string {
  response.setHeader('ETag', body.etag);
  return body.json;
}
