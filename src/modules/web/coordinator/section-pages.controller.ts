import { Body, Controller, Get, Inject, Param, Post, Query, Render, Req, Res, UseInterceptors } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError } from '../../../common/errors';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { CurrentUser, Roles } from '../../auth/auth.decorators';
import { User } from '../../auth/user.entity';
import { ReceivedUpload, UploadReceiver } from '../../ingest/upload.receiver';
import { PageInterceptor } from '../page.interceptor';
import { sectionHref, SectionPagesService } from './section-pages.service';

type TallyForm = { count?: string; country?: string; note?: string };

/** The coordinator's pages: their section, uploading a file, a batch, paper tallies. */
@Controller()
@Roles('admin', 'coordinator')
@UseInterceptors(PageInterceptor)
export class SectionPagesController {
  constructor(
    private readonly pages: SectionPagesService,
    private readonly uploads: UploadReceiver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('campaigns/:slug/sections/:section')
  @Render('coordinator/section')
  async section(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Query('retracted') retracted?: string) {
    return { ...(await this.pages.home(user, slug, section)), retracted: retracted ?? null };
  }

  /** The section's numbers alone: the page reloads them when one of its batches is done. */
  @Get('campaigns/:slug/sections/:section/numbers')
  @Render('coordinator/partials/section-numbers')
  async numbers(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string) {
    return this.pages.numbersPart(user, slug, section);
  }

  @Get('campaigns/:slug/sections/:section/upload')
  @Render('coordinator/upload')
  upload(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string) {
    return this.pages.uploadPage(user, slug, section);
  }

  /** Checks a file without counting it (the page's script posts it); answers the part of the page that shows the result. */
  @Post('campaigns/:slug/sections/:section/check')
  async check(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Req() request: Request, @Res() response: Response) {
    await answerProblemsInPlace(response, async () => {
      const check = await this.pages.check(user, slug, section, () => this.uploads.receive(request).then(mappingFromForm));
      response.render('coordinator/partials/check-result', check);
    });
  }

  /** Counts a checked file: the browser is sent to the new batch's page (or to the batch this file already is). */
  @Post('campaigns/:slug/sections/:section/count')
  async count(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Req() request: Request, @Res() response: Response) {
    await answerProblemsInPlace(response, async () => {
      const { created, batch } = await this.pages.count(user, slug, section, () => this.uploads.receive(request).then(mappingFromForm));
      response.redirect(303, `/batches/${batch.id}${created ? '' : '?again=1'}`);
    });
  }

  @Get('batches/:id')
  @Render('coordinator/batch')
  async batch(@CurrentUser() user: User, @Param('id') id: string, @Query('again') again?: string) {
    return { ...(await this.pages.batch(user, id)), again: again === '1' };
  }

  /** A batch's status and counters, polled by its page and its row on the section page while it is processed. */
  @Get('batches/:id/status')
  async batchStatus(@CurrentUser() user: User, @Param('id') id: string, @Query('view') view: string | undefined, @Res() response: Response) {
    const page = view === 'row' ? { batch: await this.pages.batchStatus(user, id) } : await this.pages.batch(user, id);
    // When it has just finished, the page reloads the section's numbers (htmx listens for this event).
    if (['done', 'failed', 'retracted'].includes(page.batch.status)) response.setHeader('HX-Trigger', 'batch-finished');
    response.render(view === 'row' ? 'coordinator/partials/batch-row' : 'coordinator/partials/batch-status', page);
  }

  @Get('batches/:id/retract')
  @Render('coordinator/retract')
  retraction(@CurrentUser() user: User, @Param('id') id: string) {
    return this.pages.retraction(user, id);
  }

  @Post('batches/:id/retract')
  async retract(@CurrentUser() user: User, @Param('id') id: string, @Res() response: Response) {
    response.redirect(303, `${await this.pages.retract(user, id)}?retracted=${encodeURIComponent(id)}`);
  }

  @Get('campaigns/:slug/sections/:section/tallies')
  @Render('coordinator/tallies')
  async tallies(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Query('added') added?: string) {
    return { ...(await this.pages.home(user, slug, section)), form: {}, error: null, added: added === '1', maxNoteChars: this.config.maxNoteChars };
  }

  @Post('campaigns/:slug/sections/:section/tallies')
  async addTally(@CurrentUser() user: User, @Param('slug') slug: string, @Param('section') section: string, @Body() form: TallyForm, @Res() response: Response) {
    try {
      await this.pages.addTally(user, slug, section, form);
      response.redirect(303, `${sectionHref(slug, section)}/tallies?added=1`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_tally') throw error;
      const field = /^\s*[1-9]\d*\s*$/.test(form.count ?? '') ? 'country' : 'count';
      const page = { ...(await this.pages.home(user, slug, section)), form, error: { field }, added: false, maxNoteChars: this.config.maxNoteChars };
      response.status(400).render('coordinator/tallies', page);
    }
  }
}

/**
 * Runs an upload step whose answer goes into the upload page: a problem with the file (empty, an image, too
 * large, cut off) is shown there as a message, while "not yours" and server faults get their own pages.
 */
async function answerProblemsInPlace(response: Response, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError) || error.statusCode >= 500 || [401, 403, 404].includes(error.statusCode)) throw error;
    response.status(error.statusCode).render('coordinator/partials/check-problem', { error });
  }
}

/**
 * The mapping form sends one choice per field (`map_email` = a column name, empty for "not in this file"); the
 * upload takes them as the `mapping` JSON the API accepts.
 */
function mappingFromForm(upload: ReceivedUpload): ReceivedUpload {
  const chosen = Object.entries(upload.fields)
    .filter(([name, column]) => name.startsWith('map_') && column)
    .map(([name, column]) => [name.slice('map_'.length), column]);
  if (chosen.length === 0) return upload;
  return { ...upload, fields: { ...upload.fields, mapping: JSON.stringify(Object.fromEntries(chosen)) } };
}
