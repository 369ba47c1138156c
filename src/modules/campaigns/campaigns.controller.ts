import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators';
import { CampaignsService } from './campaigns.service';

@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Put(':slug')
  @Roles('admin')
  import(@Param('slug') slug: string, @Body() document: unknown) {
    return this.campaigns.import(document, slug);
  }

  @Get()
  async list() {
    const campaigns = await this.campaigns.list();
    return campaigns.map((c) => ({ slug: c.slug, title: c.title, targetGovernment: c.targetGovernment, goal: c.goal, dayOfAction: c.dayOfAction, frozenAt: c.frozenAt }));
  }

  @Get(':slug')
  definition(@Param('slug') slug: string) {
    return this.campaigns.definition(slug);
  }
}
