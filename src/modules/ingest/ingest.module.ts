import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { BatchesController } from './batches.controller';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { ParseService } from './parse.service';
import { PresetsController } from './presets.controller';
import { PreviewService } from './preview.service';
import { PresetsService } from './presets.service';
import { UploadReceiver } from './upload.receiver';

@Module({
  imports: [CampaignsModule],
  controllers: [BatchesController, PresetsController],
  providers: [BatchesRepository, BatchesService, ParseService, PresetsService, PreviewService, UploadReceiver],
  exports: [BatchesRepository, BatchesService, ParseService],
})
export class IngestModule {}
