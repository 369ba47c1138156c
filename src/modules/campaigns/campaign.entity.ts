import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { DeliveryPoint } from './delivery-point.entity';
import { Petition } from './petition.entity';
import { RoutingRule } from './routing-rule.entity';
import { Section } from './section.entity';

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  slug: string;

  @Column()
  title: string;

  @Column({ name: 'target_government' })
  targetGovernment: string;

  /** ISO alpha-2 of the target government's country; its signers' names are withheld by default. */
  @Column({ name: 'target_country', type: 'char', length: 2, nullable: true })
  targetCountry: string | null;

  @Column('integer')
  goal: number;

  @Column({ name: 'opens_at', type: 'timestamptz', nullable: true })
  opensAt: Date | null;

  @Column({ name: 'closes_at', type: 'timestamptz', nullable: true })
  closesAt: Date | null;

  @Column({ name: 'day_of_action', type: 'date', nullable: true })
  dayOfAction: string | null;

  /** IANA zone; days in the totals are calendar days here. */
  @Column()
  timezone: string;

  @Column({ name: 'default_delivery_point_code' })
  defaultDeliveryPointCode: string;

  /** Countries whose signers' names never print (ISO alpha-2). */
  @Column({ name: 'withheld_countries', type: 'text', array: true, default: () => "'{}'" })
  withheldCountries: string[];

  /** Set by the freeze for the day of action (packs and frozen totals then show the signers counted at that moment). */
  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true })
  frozenAt: Date | null;

  /** Set when the campaign's personal data was purged; a purged campaign is finished and takes no more changes. */
  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;

  @OneToMany(() => Petition, (p) => p.campaign)
  petitions: Petition[];

  @OneToMany(() => Section, (s) => s.campaign)
  sections: Section[];

  @OneToMany(() => DeliveryPoint, (d) => d.campaign)
  deliveryPoints: DeliveryPoint[];

  @OneToMany(() => RoutingRule, (r) => r.campaign)
  routingRules: RoutingRule[];
}
