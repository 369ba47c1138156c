import { Body, Controller, Get, HttpStatus, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { Request, Response } from 'express';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { BatchesService } from './batches.service';
import { PreviewService } from './preview.service';
import { UploadReceiver } from './upload.receiver';

@Controller('api')
export class BatchesController {
  constructor(
    private readonly batches: BatchesService,
    private readonly uploads: UploadReceiver,
    private readonly previews: PreviewService,
  ) {}

  /**
   * multipart `file` (+ mapping, dateFormat, note, savePreset) → 202 new batch, 200 the existing one;
   * `?dryRun=true` → 200 with what the file would give, nothing stored; JSON → a tally.
   */
  @Post('campaigns/:slug/sections/:section/batches')
  @Roles('admin', 'coordinator')
  async upload(
    @CurrentUser() user: User,
    @Param('slug') slug: string,
    @Param('section') section: string,
    @Req() request: Request,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
    @Query('dryRun') dryRun?: string,
  ) {
    if (dryRun === 'true' && request.is('multipart/form-data')) {
      response.status(HttpStatus.OK); // nothing was created
      return this.previews.preview(user, slug, section, () => this.uploads.receive(request));
    }
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
