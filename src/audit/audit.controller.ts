import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../modules/auth/auth.decorators';
import { ApiErrors, ApiSignedIn, SCHEMA } from '../observability/api-schemas';
import { AUDIT_ACTIONS, AuditLog } from './audit-log';
import { AuditQuery, parseAuditQuery } from './audit-filter';
import { auditLineView } from './audit-view';

/** The audit log for the campaign lead: who did what, when, newest first. */
@ApiTags('audit')
@ApiSignedIn()
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, filtered by campaign, actor, action and time; admin' })
  @ApiQuery({ name: 'campaign', required: false, description: "A campaign's slug" })
  @ApiQuery({ name: 'actor', required: false, description: 'An e-mail, or "operator (command line)"' })
  @ApiQuery({ name: 'action', required: false, enum: AUDIT_ACTIONS })
  @ApiQuery({ name: 'from', required: false, description: 'From this time (ISO 8601; a bare date is its start, UTC)' })
  @ApiQuery({ name: 'to', required: false, description: 'Before this time (ISO 8601; a bare date includes that whole day, UTC)' })
  @ApiQuery({ name: 'before', required: false, description: 'Lines older than this id: the next page' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: '1 to 500, default 100' })
  @ApiOkResponse({ schema: SCHEMA.audit })
  @ApiErrors(400, 401, 403)
  async list(@Query() query: AuditQuery) {
    return { lines: (await this.audit.search(parseAuditQuery(query))).map(auditLineView) };
  }
}
