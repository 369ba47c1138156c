import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { CampaignsService } from './campaigns.service';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, SCHEMA } from '../../observability/api-schemas';

@Controller('api/campaigns')
@ApiTags('campaigns')
@ApiSignedIn()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Put(':slug')
  @ApiOperation({ summary: 'Import or update a campaign definition (idempotent); admin' })
  @ApiBody({ schema: SCHEMA.campaignDefinition })
  @ApiOkResponse({ description: 'The stored definition', schema: SCHEMA.campaignDefinition })
  @ApiErrors(400, 401, 403, 409)
  @Roles('admin')
  import(@CurrentUser() user: User, @Param('slug') slug: string, @Body() document: unknown) {
    return this.campaigns.import(user, document, slug);
  }

  @Get()
  @ApiOperation({ summary: 'Every campaign' })
  @ApiOkResponse({ schema: { type: 'array', items: SCHEMA.campaignSummary } })
  @ApiErrors(401)
  async list() {
    const campaigns = await this.campaigns.list();
    return campaigns.map((c) => ({ slug: c.slug, title: c.title, targetGovernment: c.targetGovernment, goal: c.goal, dayOfAction: c.dayOfAction, frozenAt: c.frozenAt }));
  }

  @Get(':slug')
  @ApiOperation({ summary: 'A campaign definition as campaign.json, with defaults filled in' })
  @ApiOkResponse({ schema: SCHEMA.campaignDefinition })
  @ApiErrors(401, 404)
  definition(@Param('slug') slug: string) {
    return this.campaigns.definition(slug);
  }
}
