import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IngestModule } from '../ingest/ingest.module';
import { PublishedTotalsRepository } from './published-totals.repository';
import { TotalsEventsService } from './totals-events.service';
import { TotalsController } from './totals.controller';
import { TotalsRepository } from './totals.repository';
import { TotalsService } from './totals.service';

@Module({
  imports: [CampaignsModule, IngestModule],
  controllers: [TotalsController],
  providers: [TotalsRepository, PublishedTotalsRepository, TotalsService, TotalsEventsService],
  exports: [TotalsService, PublishedTotalsRepository],
})
export class TotalsModule {}
