import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AuditLog } from '../../audit/audit-log';
import { User } from '../auth/user.entity';
import { JobQueue } from '../../queue/job-queue';
import { CampaignsService } from '../campaigns/campaigns.service';
import { assertNotPurged } from '../campaigns/purged-campaign';
import { SignersRepository } from '../dedupe/signers.repository';
import { FreezeRepository } from './freeze.repository';

/**
 * The campaign lead freezes the numbers for the day of action: the signers and tallies counted at that moment
 * are copied aside. Frozen totals and every pack generated afterwards show exactly those; batches that arrive
 * later are still processed and show as "after freeze". Freezing again takes a new snapshot.
 */
@Injectable()
export class FreezeService {
  private readonly logger = new Logger(FreezeService.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly signers: SignersRepository,
    private readonly freezes: FreezeRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async freeze(actor: User, slug: string): Promise<{ frozenAt: string }> {
    const campaign = await this.campaigns.bySlug(slug);
    assertNotPurged(campaign, 'freeze');
    const at = this.clock.now();
    await this.signers.inCampaignLock(campaign.id, async (tx) => {
      await this.freezes.snapshot(tx, campaign.id, at);
      await this.audit.record(tx, { action: 'campaign.freeze', actor, campaignId: campaign.id, detail: { frozenAt: at.toISOString() } });
    });
    await this.jobs.refreshTotals(campaign.id, `freeze-${campaign.id}-${at.getTime()}`);
    this.logger.log({ campaignId: campaign.id, frozenAt: at.toISOString() }, 'campaign frozen');
    return { frozenAt: at.toISOString() };
  }
}
