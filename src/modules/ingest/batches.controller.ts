import { Body, Controller, Get, HttpStatus, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { Request, Response } from 'express';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { BatchesService } from './batches.service';
import { PreviewService } from './preview.service';
import { UploadReceiver } from './upload.receiver';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, fileSchema, SCHEMA } from '../../observability/api-schemas';

@Controller('api')
@ApiTags('batches')
@ApiSignedIn()
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
  @ApiOperation({ summary: 'Upload a signatures file (multipart) or record a paper tally (JSON); admin or the section\'s coordinator' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ schema: { oneOf: [SCHEMA.upload, SCHEMA.tally] } })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true'], description: 'Preview the file: nothing is stored or counted' })
  @ApiAcceptedResponse({ description: 'A new batch (file or tally)', schema: SCHEMA.batch })
  @ApiOkResponse({ description: 'The same file again: the existing batch; or, with dryRun, the preview', schema: { oneOf: [SCHEMA.batch, SCHEMA.preview] } })
  @ApiErrors(400, 401, 403, 404, 413, 422)
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
  @ApiOperation({ summary: 'A batch with its status and counts; admin or its coordinator' })
  @ApiOkResponse({ schema: SCHEMA.batch })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'coordinator')
  get(@CurrentUser() user: User, @Param('id') id: string) {
    return this.batches.get(user, id);
  }

  @Get('batches/:id/rejections.csv')
  @ApiOperation({ summary: 'The refused rows with their reasons' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'coordinator')
  async rejections(@CurrentUser() user: User, @Param('id') id: string) {
    return new StreamableFile(await this.batches.rejectionsCsv(user, id), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="rejections-${id}.csv"`,
    });
  }
}
