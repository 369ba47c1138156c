import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { PackGenerationService } from './pack-generation.service';

@Injectable()
export class PacksProcessor implements Processor<'pack'> {
  readonly jobs = ['pack'] as const;

  constructor(private readonly generation: PackGenerationService) {}

  handle(job: JobContext<'pack'>): Promise<void> {
    return this.generation.generate(job.data.packId);
  }

  giveUp(job: JobContext<'pack'>, error: Error): Promise<void> {
    return this.generation.fail(job.data.packId, error);
  }
}
