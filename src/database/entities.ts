import { AuditRecord } from '../audit/audit-record.entity';
import { User } from '../modules/auth/user.entity';
import { Campaign } from '../modules/campaigns/campaign.entity';
import { DeliveryPoint } from '../modules/campaigns/delivery-point.entity';
import { Petition } from '../modules/campaigns/petition.entity';
import { RoutingRule } from '../modules/campaigns/routing-rule.entity';
import { Section } from '../modules/campaigns/section.entity';
import { Batch } from '../modules/ingest/batch.entity';
import { Pack } from '../modules/packs/pack.entity';

/** Entities for ordinary reads and writes; the hot-path tables (signatures, signers, counts) use SQL. */
export const ENTITIES = [Campaign, Petition, Section, DeliveryPoint, RoutingRule, User, Batch, Pack, AuditRecord];
