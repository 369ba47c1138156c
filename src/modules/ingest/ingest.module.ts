import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { BatchesController } from './batches.controller';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { ParseService } from './parse.service';
import { UploadReceiver } from './upload.receiver';

@Module({
  imports: [CampaignsModule],
  controllers: [BatchesController],
  providers: [BatchesRepository, BatchesService, ParseService, UploadReceiver],
  exports: [BatchesRepository, BatchesService, ParseService],
})
export class IngestModule {}
