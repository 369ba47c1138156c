import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IngestModule } from '../ingest/ingest.module';
import { DedupeService } from './dedupe.service';
import { RetractionController } from './retraction.controller';
import { SignersRepository } from './signers.repository';

@Module({
  imports: [CampaignsModule, IngestModule],
  controllers: [RetractionController],
  providers: [SignersRepository, DedupeService],
  exports: [DedupeService],
})
export class DedupeModule {}
