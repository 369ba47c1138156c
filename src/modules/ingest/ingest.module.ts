import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { BatchRetryController } from './batch-retry.controller';
import { BatchRetryService } from './batch-retry.service';
import { BatchStatusService } from './batch-status.service';
import { BatchesController } from './batches.controller';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { FileRetentionService } from './file-retention.service';
import { ParseService } from './parse.service';
import { PresetsController } from './presets.controller';
import { PreviewService } from './preview.service';
import { PresetsService } from './presets.service';
import { SignaturesRepository } from './signatures.repository';
import { UploadReceiver } from './upload.receiver';

@Module({
  imports: [CampaignsModule],
  controllers: [BatchesController, PresetsController, BatchRetryController],
  providers: [BatchesRepository, SignaturesRepository, BatchStatusService, BatchesService, ParseService, PresetsService, PreviewService, UploadReceiver, FileRetentionService, BatchRetryService],
  exports: [BatchesRepository, SignaturesRepository, BatchStatusService, BatchesService, ParseService, PresetsService, PreviewService, UploadReceiver, FileRetentionService],
})
export class IngestModule {}
