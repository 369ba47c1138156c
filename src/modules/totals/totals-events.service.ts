import { Injectable, MessageEvent } from '@nestjs/common';
import { concat, defer, map, Observable } from 'rxjs';
import { User } from '../auth/user.entity';
import { TotalsService } from './totals.service';

/**
 * Turns totals published on Redis (by whichever worker finished a batch) into server-sent events. One Redis
 * subscription per API process (PublishedTotalsRepository) serves all of its dashboards.
 */
@Injectable()
export class TotalsEventsService {
  constructor(private readonly totals: TotalsService) {}

  /** The current totals first, then every change, for one campaign. */
  stream(user: User, slug: string): Observable<MessageEvent> {
    return concat(defer(() => this.totals.forUser(user, slug)), this.totals.changes(slug)).pipe(map((data) => ({ type: 'totals', data })));
  }
}
