import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IngestModule } from '../ingest/ingest.module';
import { DedupeService } from './dedupe.service';
import { DuplicatesRepository } from './duplicates.repository';
import { BatchDedupeController } from './batch-dedupe.controller';
import { SignersRepository } from './signers.repository';

@Module({
  imports: [CampaignsModule, IngestModule],
  controllers: [BatchDedupeController],
  providers: [SignersRepository, DuplicatesRepository, DedupeService],
  exports: [DedupeService, SignersRepository],
})
export class DedupeModule {}
