import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One line of the audit log: who did what to which campaign, section, batch or person, when, and how it ended.
 * It never holds signer data (no name, e-mail, city or file content), only ids, codes and counts, so it
 * outlives a purge. The table refuses UPDATE and DELETE (a trigger of the migration that created it).
 */
@Entity('audit_log')
export class AuditRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column('text')
  action: string;

  /** The person who acted; null for the command line, the system, or an unknown e-mail at sign-in. */
  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId: number | null;

  /** Who acted, as a reader of the log knows them: the person's e-mail, "cli (<os user>)" or "system". */
  @Column('text')
  actor: string;

  @Column('text')
  outcome: string;

  @Column({ name: 'campaign_id', type: 'integer', nullable: true })
  campaignId: number | null;

  @Column({ name: 'section_code', type: 'text', nullable: true })
  sectionCode: string | null;

  @Column({ name: 'delivery_point_code', type: 'text', nullable: true })
  deliveryPointCode: string | null;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  /** The person an action was about (a token revoked, a password set). */
  @Column({ name: 'person_id', type: 'integer', nullable: true })
  personId: number | null;

  /** The client's address, for sign-ins. */
  @Column('text', { nullable: true })
  address: string | null;

  /** Counts and flags that say what the action did; never signer data. */
  @Column('jsonb')
  detail: Record<string, string | number | boolean | null>;
}
