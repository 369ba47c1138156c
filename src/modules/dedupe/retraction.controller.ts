import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { DedupeService } from './dedupe.service';

@Controller('api/batches')
export class RetractionController {
  constructor(private readonly dedupe: DedupeService) {}

  @Post(':id/retract')
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  retract(@CurrentUser() user: User, @Param('id') id: string) {
    return this.dedupe.retract(user, id);
  }
}
