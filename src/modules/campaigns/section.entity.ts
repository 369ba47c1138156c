import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

/** A national section taking part in a campaign. */
@Entity('sections')
export class Section {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @ManyToOne(() => Campaign, (c) => c.sections, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign: Campaign;

  /** e.g. `NL`, `CA-FR`; coordinators are bound to this code. */
  @Column()
  code: string;

  @Column()
  name: string;

  /** ISO alpha-2; the country of rows that leave it empty. */
  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ name: 'petition_code' })
  petitionCode: string;

  @Column({ name: 'default_delivery_point_code', type: 'text', nullable: true })
  defaultDeliveryPointCode: string | null;

  /** Saved column mapping (canonical field → the export's header), used when an upload sends none. */
  @Column({ name: 'preset_mapping', type: 'jsonb', nullable: true })
  presetMapping: Record<string, string> | null;

  /** Saved date format of the section's exports, e.g. `DD/MM/YYYY HH:mm`. */
  @Column({ name: 'preset_date_format', type: 'text', nullable: true })
  presetDateFormat: string | null;
}
