import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../../common/errors';
import { assertDeliveryPointAccess } from '../../auth/access';
import { User } from '../../auth/user.entity';
import { paperSizeFor, utcOffsetOf } from '../../campaigns/campaign-definition';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { PacksService, PackView } from '../../packs/packs.service';

/** The hand-in time as the campaign lead wrote it: the host's wall-clock time and its UTC offset. */
export interface HandIn {
  /** The moment shifted by the offset, so formatting it in UTC shows the host's wall-clock time. */
  wallClock: Date;
  offset: string;
}

/** What an activist's page shows: where and when to hand in, and the pack to print. */
@Injectable()
export class DeliveryPointPageService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly packs: PacksService,
  ) {}

  async page(user: User, slug: string, code: string) {
    try {
      assertDeliveryPointAccess(user, code);
    } catch {
      throw new NotFoundError(`There is no delivery point ${code} that you can see.`);
    }
    const definition = await this.campaigns.definition(slug);
    const point = definition.deliveryPoints.find((d) => d.code === code);
    if (!point) throw new NotFoundError(`Campaign "${slug}" has no delivery point "${code}".`);
    const pack = await this.packs.status(user, slug, code).catch((error): PackView | null => {
      if (error instanceof NotFoundError) return null; // no pack generated yet: the page says so
      throw error;
    });
    const base = `/api/campaigns/${encodeURIComponent(slug)}/delivery-points/${encodeURIComponent(code)}`;
    return {
      campaign: { slug: definition.slug, title: definition.title, timezone: definition.timezone },
      point,
      paper: paperSizeFor(point.hostCountry, point.paperSize),
      handIn: point.handInAt ? handIn(point.handInAt) : null,
      pack,
      share: pack?.signatures !== null && pack?.worldwide ? pack.signatures! / pack.worldwide : null,
      downloads: pack?.volumes.map((v) => ({ ...v, href: `${base}/pack.pdf?volume=${v.volume}` })) ?? [],
      csvHref: `${base}/signatures.csv`,
    };
  }
}

/** "2017-06-02T11:00:00+03:00" → 11:00 on 2 June, "UTC+03:00": the time people at that embassy will read. */
export function handIn(isoDateTime: string): HandIn {
  const offset = utcOffsetOf(isoDateTime);
  return { wallClock: new Date(`${isoDateTime.slice(0, 19)}Z`), offset: `UTC${offset}` };
}
