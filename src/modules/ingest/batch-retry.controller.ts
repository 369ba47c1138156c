import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, SCHEMA } from '../../observability/api-schemas';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { BatchRetryService } from './batch-retry.service';

@Controller('api/batches')
@ApiTags('batches')
@ApiSignedIn()
export class BatchRetryController {
  constructor(private readonly retries: BatchRetryService) {}

  @Post(':id/retry')
  @ApiOperation({ summary: 'Run a batch that failed because a stage gave up through its stages again; admin only' })
  @ApiOkResponse({ description: 'The batch, queued again', schema: SCHEMA.batch })
  @ApiErrors(401, 403, 404, 409)
  @HttpCode(200)
  @Roles('admin')
  retry(@CurrentUser() user: User, @Param('id') id: string) {
    return this.retries.retry(user, id);
  }
}
