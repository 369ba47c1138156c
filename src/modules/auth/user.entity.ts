import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['admin', 'coordinator', 'activist'] as const;
export type Role = (typeof ROLES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  email: string;

  @Column('text')
  role: Role;

  /** A coordinator's section code (the same code in every campaign). */
  @Column({ name: 'section_code', type: 'text', nullable: true })
  sectionCode: string | null;

  /** An activist's delivery point code. */
  @Column({ name: 'delivery_point_code', type: 'text', nullable: true })
  deliveryPointCode: string | null;

  /** SHA-256 of the API token; the token itself is shown once and never stored. */
  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
