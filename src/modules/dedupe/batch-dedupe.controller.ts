import { Controller, Get, HttpCode, Param, Post, StreamableFile } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { DedupeService } from './dedupe.service';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, fileSchema, SCHEMA } from '../../observability/api-schemas';

@Controller('api/batches')
@ApiTags('batches')
@ApiSignedIn()
/** What a coordinator can do to a committed batch: retract it, and see why rows did not count. */
export class BatchDedupeController {
  constructor(private readonly dedupe: DedupeService) {}

  @Post(':id/retract')
  @ApiOperation({ summary: 'Retract a batch; totals follow; admin or its coordinator' })
  @ApiOkResponse({ schema: SCHEMA.batch })
  @ApiErrors(401, 403, 404, 409)
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  retract(@CurrentUser() user: User, @Param('id') id: string) {
    return this.dedupe.retract(user, id);
  }

  /** For each row of the batch that does not count itself: the batch, section and row that counts instead. */
  @Get(':id/duplicates.csv')
  @ApiOperation({ summary: 'For each row that does not count itself, the batch, section and row that counts instead' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'coordinator')
  async duplicates(@CurrentUser() user: User, @Param('id') id: string) {
    return new StreamableFile(Buffer.from(await this.dedupe.duplicatesCsv(user, id)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="duplicates-${id}.csv"`,
    });
  }
}
