import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

/** A text version that signers actually signed. */
@Entity('petitions')
export class Petition {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @ManyToOne(() => Campaign, (c) => c.petitions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign: Campaign;

  @Column()
  code: string;

  /** BCP 47 tag, e.g. `nl` or `zh-Hant`. */
  @Column()
  language: string;

  @Column()
  title: string;

  @Column({ type: 'text', array: true })
  addressees: string[];

  @Column('text')
  body: string;
}
