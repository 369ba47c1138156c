import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { assertSectionAccess } from '../auth/access';
import { User } from '../auth/user.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Section } from '../campaigns/section.entity';
import { parseMappingField, refuseLongDateFormat } from './batch.dto';
import { CanonicalField } from './reading/header-mapping';

export interface Preset {
  section: string;
  mapping: Partial<Record<CanonicalField, string>> | null;
  dateFormat: string | null;
}

/** A section's saved mapping and date format: set once, used by every upload that sends none. */
@Injectable()
export class PresetsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(user: User, slug: string, sectionCode: string): Promise<Preset> {
    return presetOf(await this.section(user, slug, sectionCode));
  }

  async save(user: User, slug: string, sectionCode: string, body: unknown): Promise<Preset> {
    const section = await this.section(user, slug, sectionCode);
    const input = (body ?? {}) as { mapping?: unknown; dateFormat?: unknown };
    if (input.dateFormat !== undefined && input.dateFormat !== null && typeof input.dateFormat !== 'string') {
      throw new InvalidInputError('invalid_preset', 'dateFormat must be text like "DD/MM/YYYY HH:mm", or null.');
    }
    refuseLongDateFormat(input.dateFormat as string | null | undefined, this.config);
    const mapping = input.mapping === undefined || input.mapping === null ? null : parseMappingField(JSON.stringify(input.mapping), this.config);
    const preset = { presetMapping: mapping as Record<string, string> | null, presetDateFormat: (input.dateFormat as string | null | undefined)?.trim() || null };
    await this.campaignsRepository.savePreset(section.id, preset);
    return presetOf({ ...section, ...preset });
  }

  private async section(user: User, slug: string, sectionCode: string): Promise<Section> {
    assertSectionAccess(user, sectionCode);
    return this.campaigns.section(await this.campaigns.bySlug(slug), sectionCode);
  }
}

function presetOf(section: Pick<Section, 'code' | 'presetMapping' | 'presetDateFormat'>): Preset {
  return { section: section.code, mapping: section.presetMapping, dateFormat: section.presetDateFormat };
}
