import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

/** `{country, region?} -> delivery point`; see routing.ts for the order rules apply in. */
@Entity('routing_rules')
export class RoutingRule {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @ManyToOne(() => Campaign, (c) => c.routingRules, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign: Campaign;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'text', nullable: true })
  region: string | null;

  @Column({ name: 'delivery_point_code' })
  deliveryPointCode: string;
}
