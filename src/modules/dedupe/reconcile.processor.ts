import { Injectable } from '@nestjs/common';
import { JobContext, Processor } from '../../queue/processor';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { DedupeService } from './dedupe.service';

/** The scheduled (and on-demand) full recount of every campaign's counters. */
@Injectable()
export class ReconcileProcessor implements Processor<'reconcile'> {
  readonly queue = 'maintenance' as const;

  constructor(
    private readonly dedupe: DedupeService,
    private readonly campaigns: CampaignsRepository,
  ) {}

  async handle(job: JobContext<'reconcile'>): Promise<void> {
    const ids = job.data.campaignId ? [job.data.campaignId] : (await this.campaigns.list()).map((c) => c.id);
    for (const id of ids) await this.dedupe.reconcile(id);
  }
}
