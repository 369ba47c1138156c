import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, LessThanOrEqual, QueryFailedError } from 'typeorm';
import { Batch, BatchKind, BatchStatus } from './batch.entity';
import { INITIAL_STATUS, UNFINISHED_STATUSES } from './batch-status';

/** A batch's columns other than its status, which only BatchStatusService changes. */
export type BatchFields = Partial<Omit<Batch, 'id' | 'status'>>;

@Injectable()
export class BatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Batch | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return manager.findOneBy(Batch, { id });
  }

  /** Locks the batch row for the rest of the transaction, so stage transitions cannot race a retraction. */
  findForUpdate(manager: EntityManager, id: string): Promise<Batch | null> {
    return manager.findOne(Batch, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Ended batches (ended at or before `endedBefore`) whose uploaded file, or reports, are not deleted yet. With
   * `retryableEndedBefore`, a batch that failed because a stage gave up only once it ended at or before that too:
   * its upload is kept for a retry.
   */
  async endedWithFiles(kind: 'source' | 'reports', endedBefore: Date, limit: number, retryableEndedBefore = endedBefore): Promise<string[]> {
    const column = kind === 'source' ? 'source_deleted_at' : 'reports_deleted_at';
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM batches WHERE ended_at <= $1 AND ${column} IS NULL AND kind = 'signatures'
          AND (failure_kind IS DISTINCT FROM 'infrastructure' OR ended_at <= $3)
        ORDER BY ended_at LIMIT $2`,
      [endedBefore, limit, retryableEndedBefore],
    );
    return rows.map((r) => r.id);
  }

  /** Batches not ended yet that were created at or before `createdBefore`, oldest first (few: each is being worked on). */
  unfinishedCreatedBefore(createdBefore: Date): Promise<Batch[]> {
    return this.dataSource.manager.find(Batch, { where: { status: In(UNFINISHED_STATUSES), createdAt: LessThanOrEqual(createdBefore) }, order: { seq: 'ASC' } });
  }

  async markFilesDeleted(id: string, kind: 'source' | 'reports', at: Date): Promise<void> {
    await this.dataSource.manager.update(Batch, { id }, kind === 'source' ? { sourceDeletedAt: at } : { reportsDeletedAt: at });
  }

  /** Every batch of a campaign (ids and statuses), for a purge. */
  async ofCampaign(campaignId: number, manager: EntityManager = this.dataSource.manager): Promise<{ id: string; status: BatchStatus }[]> {
    return manager.query('SELECT id, status FROM batches WHERE campaign_id = $1 ORDER BY seq', [campaignId]);
  }

  /** Purge: every file of the campaign's batches is gone (uploads and reports alike). */
  async markCampaignFilesDeleted(tx: EntityManager, campaignId: number, at: Date): Promise<void> {
    await tx.query(
      `UPDATE batches SET source_deleted_at = coalesce(source_deleted_at, $2), reports_deleted_at = coalesce(reports_deleted_at, $2)
        WHERE campaign_id = $1 AND kind = 'signatures'`,
      [campaignId, at],
    );
  }

  /** A section's batches in one campaign, newest first (at most `limit`). */
  listBySection(campaignId: number, sectionId: number, limit: number): Promise<Batch[]> {
    return this.dataSource.manager.find(Batch, { where: { campaignId, sectionId }, order: { seq: 'DESC' }, take: limit });
  }

  /** Runs `work` in a transaction that holds the batch's row lock (the batch is null when there is none). */
  withLocked<T>(id: string, work: (tx: EntityManager, batch: Batch | null) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => work(tx, await this.findForUpdate(tx, id)));
  }

  /** The live batch of this file for this section, if any (invariant 2). */
  findActiveByFile(sectionId: number, sha256: string): Promise<Batch | null> {
    return this.dataSource.manager.findOne(Batch, {
      where: { sectionId, sha256, kind: 'signatures', status: In(['queued', 'parsing', 'deduplicating', 'aggregating', 'done']) },
    });
  }

  /**
   * Inserts a new batch; returns null when a concurrent upload of the same file won the race
   * (the partial unique index uq_batches_section_file_active decides). In the caller's transaction the insert
   * is a savepoint, so that a lost race does not abort the rest of that transaction.
   */
  async insert(fields: BatchFields & { kind: BatchKind }, manager: EntityManager = this.dataSource.manager): Promise<Batch | null> {
    try {
      return await manager.transaction((tx) => tx.save(Batch, tx.create(Batch, { ...fields, status: INITIAL_STATUS[fields.kind] })));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'uq_batches_section_file_active') {
        return null;
      }
      throw error;
    }
  }

  async update(id: string, fields: BatchFields, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(Batch, { id }, fields);
  }

  /**
   * Sets the status (and `fields`) only while the batch is in one of `from`; true when it did. The condition
   * is part of the UPDATE, so of two writers racing to move one batch exactly one wins. For BatchStatusService.
   */
  async updateStatus(id: string, from: BatchStatus[], to: BatchStatus, fields: BatchFields, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.update(Batch, { id, status: In(from) }, { ...fields, status: to });
    return (result.affected ?? 0) > 0;
  }

  /** Progress of a batch being parsed (a no-op once it is not). */
  async setParseProgress(id: string, progress: number): Promise<void> {
    await this.dataSource.manager.update(Batch, { id, status: 'parsing' }, { progress });
  }

  /**
   * Adds a parsed chunk's share to a parsing batch's progress, in the chunk's transaction. False when the batch
   * is no longer parsing (it failed or was retracted meanwhile): the chunk must then not commit. The row lock
   * this takes orders the chunk's commit against `BatchStatusService.fail`, which deletes what chunks committed before it.
   */
  async addParseProgress(id: string, share: number, upTo: number, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Batch)
      .set({ progress: () => 'LEAST(progress + :share, :upTo)' })
      .where({ id, status: 'parsing' })
      .setParameters({ share, upTo })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
