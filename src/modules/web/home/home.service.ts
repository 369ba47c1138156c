import { Injectable } from '@nestjs/common';
import { User } from '../../auth/user.entity';
import { CampaignsService } from '../../campaigns/campaigns.service';

export interface Place {
  label: string;
  detail: string;
  href: string;
}

export interface CampaignPlaces {
  title: string;
  slug: string;
  sections: Place[];
  deliveryPoints: Place[];
}

/** Where each person works: a coordinator's section and an activist's delivery point in each campaign; a lead's everything. */
@Injectable()
export class HomeService {
  constructor(private readonly campaigns: CampaignsService) {}

  async placesOf(user: User): Promise<CampaignPlaces[]> {
    const result: CampaignPlaces[] = [];
    for (const campaign of await this.campaigns.list()) {
      const definition = await this.campaigns.definition(campaign.slug);
      const base = `/campaigns/${encodeURIComponent(campaign.slug)}`;
      const sections = definition.sections
        .filter((s) => user.role === 'admin' || (user.role === 'coordinator' && s.code === user.sectionCode))
        .map((s) => ({ label: s.name, detail: s.code, href: `${base}/sections/${encodeURIComponent(s.code)}` }));
      const deliveryPoints = definition.deliveryPoints
        .filter((d) => user.role === 'admin' || (user.role === 'activist' && d.code === user.deliveryPointCode))
        .map((d) => ({ label: d.city, detail: d.code, href: `${base}/delivery-points/${encodeURIComponent(d.code)}` }));
      if (sections.length + deliveryPoints.length > 0) result.push({ title: campaign.title, slug: campaign.slug, sections, deliveryPoints });
    }
    return result;
  }
}
