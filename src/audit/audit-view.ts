import { AuditLine } from './audit-log';

/** A line of the log as the API and the page show it. */
export function auditLineView(line: AuditLine) {
  return {
    id: line.id,
    at: line.at.toISOString(),
    action: line.action,
    actor: line.actor,
    actorId: line.actorId,
    outcome: line.outcome,
    campaign: line.campaignSlug,
    section: line.sectionCode,
    deliveryPoint: line.deliveryPointCode,
    batchId: line.batchId,
    personId: line.personId,
    address: line.address,
    detail: line.detail,
  };
}
