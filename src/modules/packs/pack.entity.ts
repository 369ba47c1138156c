import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PackStatus = 'queued' | 'generating' | 'done' | 'failed';

/** One PDF volume of a pack, as stored. */
export interface PackVolumeFile {
  volume: number;
  /** First and last list number in the volume. */
  from: number;
  to: number;
  pages: number;
  bytes: number;
  sha256: string;
}

/** A hand-in pack of one delivery point, made from one `source` (see the AddPacksAndFreeze migration). */
@Entity('packs')
export class Pack {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @Column({ name: 'delivery_point_code' })
  deliveryPointCode: string;

  /** What the pack is made of: `live-<signers fingerprint>-<definition digest>` or `frozen-<freeze ms>-<digest>`. */
  @Column()
  source: string;

  /** Signatures per volume; 0 for a single volume. */
  @Column({ name: 'volume_size' })
  volumeSize: number;

  @Column('text')
  status: PackStatus;

  /** Generation attempt, part of the job id so a failed pack can be asked for again. */
  @Column()
  attempt: number;

  @Column('integer', { nullable: true })
  online: number | null;

  @Column('integer', { nullable: true })
  offline: number | null;

  /** Signatures printed as "name withheld". */
  @Column('integer', { nullable: true })
  withheld: number | null;

  /** Worldwide total when the pack's counts were taken. */
  @Column('integer', { nullable: true })
  worldwide: number | null;

  /** Countries its signers (and tallies) come from, as on the cover. */
  @Column('integer', { nullable: true })
  countries: number | null;

  @Column('integer', { nullable: true })
  pages: number | null;

  @Column('jsonb', { nullable: true })
  volumes: PackVolumeFile[] | null;

  /** SHA-256 of signatures.csv, printed on the closing page. */
  @Column('char', { name: 'list_sha256', length: 64, nullable: true })
  listSha256: string | null;

  @Column('integer', { name: 'missing_glyphs', nullable: true })
  missingGlyphs: number | null;

  /** The moment the pack's counts and list were read (one consistent snapshot). */
  @Column('timestamptz', { name: 'counts_at', nullable: true })
  countsAt: Date | null;

  @Column('timestamptz', { name: 'generated_at', nullable: true })
  generatedAt: Date | null;

  @Column('text', { nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Where a pack's files live in the file store. */
export const packFiles = (packId: string) => ({
  csv: `packs/${packId}/signatures.csv`,
  volume: (n: number) => `packs/${packId}/volume-${n}.pdf`,
});
