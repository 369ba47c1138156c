import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { User } from '../modules/auth/user.entity';
import { AuditRecord } from './audit-record.entity';

/** What the audit log records (SECURITY.md, "Audit log"): every action that changes counts, files or access, and every download of names. */
export const AUDIT_ACTIONS = [
  'campaign.import',
  'campaign.freeze',
  'campaign.purge',
  'batch.upload',
  'batch.retract',
  'batch.retry',
  'tally.create',
  'packs.generate',
  'pack.download',
  'signer.erase',
  'sign-in',
  'person.create',
  'person.password',
  'person.disable',
  'token.renew',
  'token.revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `ok`: done. `refused`: turned down (a wrong password). */
export type AuditOutcome = 'ok' | 'refused';

export interface AuditEntry {
  action: AuditAction;
  /** Who acted: a signed-in person, or OPERATOR for the command line. */
  actor: Pick<User, 'id' | 'email'> | null;
  outcome?: AuditOutcome;
  campaignId?: number | null;
  sectionCode?: string | null;
  deliveryPointCode?: string | null;
  batchId?: string | null;
  personId?: number | null;
  address?: string | null;
  /** Counts and flags only: never a signer's name, e-mail, city, postcode or anything read from a file. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditFilter {
  /** The campaign's slug. */
  campaign?: string;
  /** The actor's e-mail (or "operator (command line)"), exactly. */
  actor?: string;
  action?: AuditAction;
  from?: Date;
  to?: Date;
  /** Only lines older than this id: the next page of a long log. */
  before?: string;
  limit: number;
}

/** A line as read back, with the campaign's slug. */
export type AuditLine = AuditRecord & { campaignSlug: string | null };

/** The actor of a sign-in attempt with an e-mail nobody has: the typed text is not kept (it may be anyone's). */
const UNKNOWN_PERSON = '(unknown e-mail)';

/**
 * Owns `audit_log`: appends lines and reads them back. A line is written in the transaction of the action it
 * records, so that the action and its line commit together or not at all; a read (a download) or an attempt that
 * changed nothing (a refused sign-in) is written on its own.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Appends a line in the caller's transaction. */
  async record(tx: EntityManager, entry: AuditEntry): Promise<void> {
    await tx.insert(AuditRecord, {
      at: this.clock.now(),
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actor: entry.actor?.email ?? UNKNOWN_PERSON,
      outcome: entry.outcome ?? 'ok',
      campaignId: entry.campaignId ?? null,
      sectionCode: entry.sectionCode ?? null,
      deliveryPointCode: entry.deliveryPointCode ?? null,
      batchId: entry.batchId ?? null,
      personId: entry.personId ?? null,
      address: entry.address ?? null,
      detail: entry.detail ?? {},
    });
  }

  /** Appends a line for an action that wrote nothing else. */
  recordAlone(entry: AuditEntry): Promise<void> {
    return this.record(this.dataSource.manager, entry);
  }

  /**
   * Runs `work` and appends the line `entryFor` makes of its result, in one transaction. For actions whose own
   * writes are single statements (a batch row, a person's token): they take the transaction's manager. No line
   * when `entryFor` gives null: the work turned out to do nothing (an upload that lost a race to the same file).
   */
  together<T>(work: (tx: EntityManager) => Promise<T>, entryFor: (result: T) => AuditEntry | null): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      const result = await work(tx);
      const entry = entryFor(result);
      if (entry) await this.record(tx, entry);
      return result;
    });
  }

  /** Lines matching the filter, newest first. */
  async search(filter: AuditFilter): Promise<AuditLine[]> {
    const query = this.dataSource
      .createQueryBuilder(AuditRecord, 'line')
      .leftJoin('campaigns', 'campaign', 'campaign.id = line.campaign_id')
      .addSelect('campaign.slug', 'campaign_slug')
      .orderBy('line.id', 'DESC')
      .limit(filter.limit);
    if (filter.campaign !== undefined) query.andWhere('campaign.slug = :campaign', { campaign: filter.campaign });
    if (filter.actor !== undefined) query.andWhere('line.actor = :actor', { actor: filter.actor });
    if (filter.action !== undefined) query.andWhere('line.action = :action', { action: filter.action });
    if (filter.from !== undefined) query.andWhere('line.at >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('line.at < :to', { to: filter.to });
    if (filter.before !== undefined) query.andWhere('line.id < :before', { before: filter.before });
    const { entities, raw } = await query.getRawAndEntities<{ line_id: string; campaign_slug: string | null }>();
    const slugOf = new Map(raw.map((row) => [String(row.line_id), row.campaign_slug]));
    return entities.map((line) => Object.assign(line, { campaignSlug: slugOf.get(line.id) ?? null }));
  }
}
