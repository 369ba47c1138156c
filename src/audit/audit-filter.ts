import { InvalidInputError } from '../common/errors';
import { AUDIT_ACTIONS, AuditAction, AuditFilter } from './audit-log';

export const AUDIT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

/** The query string of `GET /api/audit` and of the audit page; an empty field means "any". */
export interface AuditQuery {
  campaign?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: string;
}

/** Reads the filters, naming every one that is wrong and what it should look like. */
export function parseAuditQuery(query: AuditQuery): AuditFilter {
  const problems: string[] = [];
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const time = (name: 'from' | 'to') => {
    const value = text(query[name]);
    if (value === undefined) return undefined;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) problems.push(`${name} "${value}" is not a time; write it like 2026-12-01 or 2026-12-01T18:00:00Z`);
    // A day without a time, as a date field sends it: `to` then takes in the whole of that day (UTC).
    if (name === 'to' && /^\d{4}-\d{2}-\d{2}$/.test(value)) parsed.setUTCDate(parsed.getUTCDate() + 1);
    return parsed;
  };

  const action = text(query.action);
  if (action !== undefined && !AUDIT_ACTIONS.includes(action as AuditAction)) problems.push(`action "${action}" is not one of ${AUDIT_ACTIONS.join(', ')}`);
  const before = text(query.before);
  if (before !== undefined && !/^\d{1,18}$/.test(before)) problems.push(`before must be the id of a line, like 1234`);
  const limitText = text(query.limit);
  const limit = limitText === undefined ? AUDIT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) problems.push(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  const filter: AuditFilter = {
    campaign: text(query.campaign),
    actor: text(query.actor),
    action: action as AuditAction | undefined,
    from: time('from'),
    to: time('to'),
    before,
    limit,
  };
  if (problems.length > 0) throw new InvalidInputError('invalid_audit_filter', `${problems.join('; ')}.`);
  return filter;
}
