import { Module } from '@nestjs/common';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { DedupeModule } from './modules/dedupe/dedupe.module';
import { DedupeProcessor } from './modules/dedupe/dedupe.processor';
import { DedupeService } from './modules/dedupe/dedupe.service';
import { ReconcileProcessor } from './modules/totals/reconcile.processor';
import { IngestModule } from './modules/ingest/ingest.module';
import { BatchFailer } from './modules/ingest/batch-failer';
import { BatchRecoveryProcessor } from './modules/ingest/batch-recovery.processor';
import { BatchRecoveryService } from './modules/ingest/batch-recovery.service';
import { FileRetentionProcessor } from './modules/ingest/file-retention.processor';
import { ParseProcessor } from './modules/ingest/parse.processor';
import { PacksModule } from './modules/packs/packs.module';
import { PacksProcessor } from './modules/packs/packs.processor';
import { AggregateProcessor } from './modules/totals/aggregate.processor';
import { TotalsModule } from './modules/totals/totals.module';
import { Processor, PROCESSORS } from './queue/processor';
import { WorkersService } from './queue/workers.service';

/** Every job's processor; WorkersService refuses to start unless each job name has exactly one. */
export const PIPELINE_PROCESSORS = [ParseProcessor, DedupeProcessor, AggregateProcessor, ReconcileProcessor, FileRetentionProcessor, BatchRecoveryProcessor, PacksProcessor];

/** The pipeline's workers; imported by the API process (unless WORKERS_IN_API=false) and by the worker process. */
@Module({
  imports: [CampaignsModule, IngestModule, DedupeModule, TotalsModule, PacksModule],
  providers: [
    ...PIPELINE_PROCESSORS,
    { provide: PROCESSORS, inject: PIPELINE_PROCESSORS, useFactory: (...all: Processor[]) => all },
    WorkersService,
    // The recovery sweep runs where the workers do; the batches it fails may be counted already (see BatchFailer).
    BatchRecoveryService,
    { provide: BatchFailer, useExisting: DedupeService },
  ],
})
export class WorkersModule {}
