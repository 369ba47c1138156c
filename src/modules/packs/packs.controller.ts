import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { Response } from 'express';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { User } from '../auth/user.entity';
import { PackFile, PacksService } from './packs.service';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn, fileSchema, SCHEMA } from '../../observability/api-schemas';

@Controller('api/campaigns/:slug')
@ApiTags('packs')
@ApiSignedIn()
export class PacksController {
  constructor(private readonly packs: PacksService) {}

  /** Body (optional): `{ "volumeSize": 25000 }` to split large lists into binders. */
  @Post('packs')
  @ApiOperation({ summary: '(Re)generate the pack of every delivery point; admin' })
  @ApiBody({ required: false, schema: SCHEMA.generatePacks })
  @ApiAcceptedResponse({ schema: SCHEMA.packs })
  @ApiErrors(400, 401, 403, 404)
  @HttpCode(202)
  @Roles('admin')
  generate(@CurrentUser() user: User, @Param('slug') slug: string, @Body() body: unknown) {
    return this.packs.generateAll(user, slug, body);
  }

  @Get('packs.zip')
  @ApiOperation({ summary: 'Every pack and list, with manifest.csv; admin' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404, 409)
  @Roles('admin')
  async zip(@CurrentUser() user: User, @Param('slug') slug: string, @Res({ passthrough: true }) response: Response) {
    return send(response, await this.packs.zip(user, slug), 'application/zip');
  }

  @Get('delivery-points/:code/pack')
  @ApiOperation({ summary: 'A delivery point\'s pack: status, counts, staleness, checksums; admin or its activist' })
  @ApiOkResponse({ schema: SCHEMA.pack })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'activist')
  status(@CurrentUser() user: User, @Param('slug') slug: string, @Param('code') code: string) {
    return this.packs.status(user, slug, code);
  }

  @Get('delivery-points/:code/pack.pdf')
  @ApiOperation({ summary: 'The pack\'s PDF (one volume); X-Content-SHA256 and X-Pack-Stale headers' })
  @ApiQuery({ name: 'volume', required: false, type: 'integer' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404, 409)
  @Roles('admin', 'activist')
  async pdf(@CurrentUser() user: User, @Param('slug') slug: string, @Param('code') code: string, @Query('volume') volume: string | undefined, @Res({ passthrough: true }) response: Response) {
    return send(response, await this.packs.pdf(user, slug, code, volume ? Number(volume) : 1), 'application/pdf');
  }

  @Get('delivery-points/:code/signatures.csv')
  @ApiOperation({ summary: 'The pack\'s list of signatures' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404, 409)
  @Roles('admin', 'activist')
  async csv(@CurrentUser() user: User, @Param('slug') slug: string, @Param('code') code: string, @Res({ passthrough: true }) response: Response) {
    return send(response, await this.packs.csv(user, slug, code), 'text/csv; charset=utf-8');
  }

  @Get('sections/:section/paper-form.pdf')
  @ApiOperation({ summary: 'The section\'s blank paper form; admin or the section\'s coordinator' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ schema: fileSchema() })
  @ApiErrors(401, 403, 404)
  @Roles('admin', 'coordinator')
  async paperForm(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Res({ passthrough: true }) response: Response) {
    return send(response, await this.packs.paperForm(user, slug, section), 'application/pdf');
  }
}

/** A file download; its SHA-256 (when known) and staleness travel in headers, so a script can check both. */
function send(response: Response, file: PackFile, type: string): StreamableFile {
  if (file.sha256) {
    response.setHeader('X-Content-SHA256', file.sha256);
    response.setHeader('ETag', `"${file.sha256}"`);
  }
  response.setHeader('X-Pack-Stale', String(file.stale));
  return new StreamableFile(file.stream, { type, disposition: `attachment; filename="${file.name}"` });
}
