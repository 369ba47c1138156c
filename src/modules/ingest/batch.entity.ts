import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type BatchKind = 'signatures' | 'tally';
export const BATCH_STATUSES = ['queued', 'parsing', 'deduplicating', 'aggregating', 'done', 'failed', 'retracted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
/**
 * Why a batch failed: `content`, the file itself is the problem (unreadable, refused by the limits, no data rows);
 * `infrastructure`, a stage gave up (the database, Redis or the workers kept failing), so the same file may well
 * go through when retried.
 */
export type FailureKind = 'content' | 'infrastructure';

/** One upload by one section: a signatures file, or a tally of paper signatures. */
@Entity('batches')
export class Batch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Upload order; breaks ties between equally early signatures ("the earlier batch"). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ name: 'campaign_id' })
  campaignId: number;

  @Column({ name: 'section_id' })
  sectionId: number;

  @Column('text')
  kind: BatchKind;

  @Column('text')
  status: BatchStatus;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ name: 'original_name', type: 'text', nullable: true })
  originalName: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** Explicit header mapping sent with the upload (canonical field → header). */
  @Column({ type: 'jsonb', nullable: true })
  mapping: Record<string, string> | null;

  @Column({ name: 'date_format', type: 'text', nullable: true })
  dateFormat: string | null;

  /** 0..1 across the whole flow. */
  @Column('real')
  progress: number;

  @Column('integer')
  rows: number;

  @Column('integer')
  accepted: number;

  @Column('integer')
  rejected: number;

  @Column({ name: 'duplicates_in_batch', type: 'integer' })
  duplicatesInBatch: number;

  @Column({ name: 'duplicates_existing', type: 'integer' })
  duplicatesExisting: number;

  /** New signers the batch added when it was committed. */
  @Column('integer')
  counted: number;

  @Column({ name: 'rejections_by_reason', type: 'jsonb' })
  rejectionsByReason: Record<string, number>;

  @Column({ name: 'tally_count', type: 'integer', nullable: true })
  tallyCount: number | null;

  @Column({ name: 'tally_country', type: 'char', length: 2, nullable: true })
  tallyCountry: string | null;

  @Column({ name: 'tally_delivery_point_code', type: 'text', nullable: true })
  tallyDeliveryPointCode: string | null;

  /** What went wrong, written for the coordinator. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Set exactly when the batch is failed: an infrastructure failure keeps its upload for a retry (RETRY_WINDOW_HOURS). */
  @Column({ name: 'failure_kind', type: 'text', nullable: true })
  failureKind: FailureKind | null;

  /** Which run of its stages this is: 1, and one more at every retry; a run's job ids carry it (see `batchRunKey`). */
  @Column({ type: 'integer', default: 1 })
  attempt: number;

  @Column({ name: 'uploaded_by', type: 'integer', nullable: true })
  uploadedBy: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set in the same transaction that adds the batch's signers to the totals. */
  @Column({ name: 'committed_at', type: 'timestamptz', nullable: true })
  committedAt: Date | null;

  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true })
  retractedAt: Date | null;

  /** When it reached done, failed or retracted: its files' retention counts from here. */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  /** When its uploaded file was deleted (SOURCE_RETENTION_DAYS after it ended). */
  @Column({ name: 'source_deleted_at', type: 'timestamptz', nullable: true })
  sourceDeletedAt: Date | null;

  /** When its rejection report was deleted (REPORT_RETENTION_DAYS after it ended). */
  @Column({ name: 'reports_deleted_at', type: 'timestamptz', nullable: true })
  reportsDeletedAt: Date | null;
}
