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

  /** argon2id hash of the web sign-in password; null until the person sets one. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  /** SHA-256 of a one-time set-password link's secret, and when the link stops working. */
  @Column({ name: 'password_link_hash', type: 'bytea', nullable: true, select: false })
  passwordLinkHash: Buffer | null;

  @Column({ name: 'password_link_expires_at', type: 'timestamptz', nullable: true, select: false })
  passwordLinkExpiresAt: Date | null;

  /** The API token stops working then (API_TOKEN_DAYS after it was issued). */
  @Column({ name: 'token_expires_at', type: 'timestamptz' })
  tokenExpiresAt: Date;

  /** Roughly when the API token was last used (written at most hourly). */
  @Column({ name: 'token_last_used_at', type: 'timestamptz', nullable: true })
  tokenLastUsedAt: Date | null;

  @Column({ name: 'token_revoked_at', type: 'timestamptz', nullable: true })
  tokenRevokedAt: Date | null;

  /** A disabled person can neither use a token nor sign in; their batches and counts stay. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
