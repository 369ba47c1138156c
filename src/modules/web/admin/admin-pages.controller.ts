import { Controller, Get, Query, Render, UseInterceptors } from '@nestjs/common';
import { AUDIT_ACTIONS, AuditLog } from '../../../audit/audit-log';
import { AuditQuery, parseAuditQuery } from '../../../audit/audit-filter';
import { auditLineView } from '../../../audit/audit-view';
import { DomainError } from '../../../common/errors';
import { Roles } from '../../auth/auth.decorators';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { PageInterceptor } from '../page.interceptor';

/** The campaign lead's pages about Handin itself. Part 2 of the web app adds the people and the dashboard here. */
@Controller('admin')
@Roles('admin')
@UseInterceptors(PageInterceptor)
export class AdminPagesController {
  constructor(
    private readonly audit: AuditLog,
    private readonly campaigns: CampaignsService,
  ) {}

  /** The audit log with the same filters as `GET /api/audit`; a wrong filter is said on the page, above the form. */
  @Get('audit')
  @Render('admin/audit')
  async auditLog(@Query() query: AuditQuery) {
    const campaigns = (await this.campaigns.list()).map((c) => ({ slug: c.slug, title: c.title }));
    const form = { campaign: query.campaign ?? '', action: query.action ?? '', actor: query.actor ?? '', from: query.from ?? '', to: query.to ?? '' };
    let filter;
    try {
      filter = parseAuditQuery(query);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { campaigns, actions: AUDIT_ACTIONS, form, lines: [], next: null, error: error.message };
    }
    const lines = (await this.audit.search(filter)).map(auditLineView);
    // A full page may have more behind it: the link keeps the filters and starts below the last line shown.
    const next = lines.length === filter.limit ? `?${new URLSearchParams({ ...form, before: lines[lines.length - 1].id })}` : null;
    return { campaigns, actions: AUDIT_ACTIONS, form, lines, next, error: null };
  }
}
