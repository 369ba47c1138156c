import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IngestModule } from '../ingest/ingest.module';
import { TotalsModule } from '../totals/totals.module';
import { DedupeService } from './dedupe.service';
import { DuplicatesRepository } from './duplicates.repository';
import { BatchSignersController } from './batch-signers.controller';
import { SignersRepository } from './signers.repository';

@Module({
  imports: [CampaignsModule, IngestModule, TotalsModule],
  controllers: [BatchSignersController],
  providers: [SignersRepository, DuplicatesRepository, DedupeService],
  exports: [DedupeService, SignersRepository],
})
export class DedupeModule {}
