import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { FreezeRepository } from '../freeze/freeze.repository';
import { IngestModule } from '../ingest/ingest.module';
import { PacksRepository } from '../packs/packs.repository';
import { TotalsModule } from '../totals/totals.module';
import { EraseService } from './erase.service';
import { PrivacyController } from './privacy.controller';
import { PurgeService } from './purge.service';

@Module({
  imports: [CampaignsModule, IngestModule, DedupeModule, TotalsModule],
  controllers: [PrivacyController],
  providers: [PurgeService, EraseService, FreezeRepository, PacksRepository],
  exports: [PurgeService, EraseService],
})
export class PrivacyModule {}
