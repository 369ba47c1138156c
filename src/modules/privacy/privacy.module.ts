import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { FreezeRepository } from '../freeze/freeze.repository';
import { IngestModule } from '../ingest/ingest.module';
import { PacksModule } from '../packs/packs.module';
import { TotalsModule } from '../totals/totals.module';
import { EraseService } from './erase.service';
import { PrivacyController } from './privacy.controller';
import { PurgeService } from './purge.service';

@Module({
  imports: [CampaignsModule, IngestModule, DedupeModule, TotalsModule, PacksModule],
  controllers: [PrivacyController],
  providers: [PurgeService, EraseService, FreezeRepository],
  exports: [PurgeService, EraseService],
})
export class PrivacyModule {}
