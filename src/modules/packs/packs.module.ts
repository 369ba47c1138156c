import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { PackGenerationService } from './pack-generation.service';
import { PacksController } from './packs.controller';
import { PacksRepository } from './packs.repository';
import { PacksService } from './packs.service';

@Module({
  imports: [CampaignsModule],
  controllers: [PacksController],
  providers: [PacksRepository, PacksService, PackGenerationService],
  exports: [PackGenerationService, PacksService, PacksRepository],
})
export class PacksModule {}
