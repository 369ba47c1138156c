import { Controller, Get, Param, Res } from '@nestjs/common';
import { Response } from 'express';
import { NotFoundError } from '../../common/errors';
import { Public } from '../auth/auth.decorators';
import { AssetCatalogue } from './assets';

@Controller('assets')
@Public()
export class AssetsController {
  constructor(private readonly assets: AssetCatalogue) {}

  /** A name carries its content's hash, so a browser may keep the file for a year: a new version has a new name. */
  @Get(':file')
  file(@Param('file') file: string, @Res() response: Response) {
    const asset = this.assets.find(`/assets/${file}`);
    if (!asset) throw new NotFoundError(`There is no file ${file} here.`);
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.type(asset.type).send(asset.body);
  }
}
