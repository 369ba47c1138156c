import { Body, Controller, Get, HttpStatus, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { Request, Response } from 'express';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { BatchesService } from './batches.service';
import { UploadReceiver } from './upload.receiver';

@Controller('api')
export class BatchesController {
  constructor(
    private readonly batches: BatchesService,
    private readonly uploads: UploadReceiver,
  ) {}

  /** multipart `file` (+ mapping, dateFormat, note) → 202 new batch, 200 the existing one; JSON → a tally. */
  @Post('campaigns/:slug/sections/:section/batches')
  @Roles('admin', 'coordinator')
  async upload(
    @CurrentUser() user: User,
    @Param('slug') slug: string,
    @Param('section') section: string,
    @Req() request: Request,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!request.is('multipart/form-data')) {
      response.status(HttpStatus.ACCEPTED);
      return this.batches.createTally(user, slug, section, body);
    }
    const result = await this.batches.uploadFile(user, slug, section, () => this.uploads.receive(request));
    response.status(result.created ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return result.batch;
  }

  @Get('batches/:id')
  @Roles('admin', 'coordinator')
  get(@CurrentUser() user: User, @Param('id') id: string) {
    return this.batches.get(user, id);
  }

  @Get('batches/:id/rejections.csv')
  @Roles('admin', 'coordinator')
  async rejections(@CurrentUser() user: User, @Param('id') id: string) {
    return new StreamableFile(await this.batches.rejectionsCsv(user, id), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="rejections-${id}.csv"`,
    });
  }
}
