import { ConflictError } from '../../common/errors';
import { Campaign } from './campaign.entity';

/**
 * A purged campaign is finished: its names, cities and keys are gone, so a new batch could not be deduplicated
 * against the people already counted, a retraction could not find who counts instead, and a pack or a freeze
 * would list nobody. Everything that would change its data refuses it with this error.
 */
export function assertNotPurged(campaign: Pick<Campaign, 'slug' | 'purgedAt'>, refused: string): void {
  if (!campaign.purgedAt) return;
  const day = campaign.purgedAt.toISOString().slice(0, 10);
  throw new ConflictError(
    'campaign_purged',
    `Campaign "${campaign.slug}" was purged on ${day}: it is finished and its signers' personal data is deleted, so it takes no ${refused}. Start a new campaign for new signatures.`,
  );
}
