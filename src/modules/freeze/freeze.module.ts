import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { FreezeController } from './freeze.controller';
import { FreezeRepository } from './freeze.repository';
import { FreezeService } from './freeze.service';

@Module({
  imports: [CampaignsModule, DedupeModule],
  controllers: [FreezeController],
  providers: [FreezeRepository, FreezeService],
})
export class FreezeModule {}
