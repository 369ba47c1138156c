import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

export const DELIVERY_POINT_KINDS = ['embassy', 'consulate', 'representative-office', 'other'] as const;
export type DeliveryPointKind = (typeof DELIVERY_POINT_KINDS)[number];
export type PaperSize = 'A4' | 'Letter';

/** Where signatures are handed in. */
@Entity('delivery_points')
export class DeliveryPoint {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @ManyToOne(() => Campaign, (c) => c.deliveryPoints, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign: Campaign;

  @Column()
  code: string;

  @Column('text')
  kind: DeliveryPointKind;

  @Column({ name: 'host_country', type: 'char', length: 2 })
  hostCountry: string;

  @Column()
  city: string;

  @Column()
  address: string;

  @Column()
  addressee: string;

  @Column({ name: 'hand_in_at', type: 'timestamptz', nullable: true })
  handInAt: Date | null;

  /** The UTC offset handInAt was written with (`+02:00`): the host's local time, shown as such. */
  @Column({ name: 'hand_in_offset', type: 'text', nullable: true })
  handInOffset: string | null;

  /** Language of the cover letter. */
  @Column()
  language: string;

  @Column({ name: 'paper_size', type: 'text' })
  paperSize: PaperSize;
}
