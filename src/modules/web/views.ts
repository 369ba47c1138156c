import { NestExpressApplication } from '@nestjs/platform-express';
import { Eta } from 'eta';
import { NextFunction, Request, Response } from 'express';
import { relative } from 'node:path';
import { AssetCatalogue } from './assets';
import { csrfToken } from './csrf';
import { chooseLanguage, LANGUAGE_COOKIE, LANGUAGE_NAMES, LANGUAGES, translator } from './i18n';
import { isPage } from '../../common/page-request';
import { WEB_TEMPLATES_DIR } from './web-files';


/**
 * Pages are Eta templates under `templates/web`, rendered by Express (`@Render('coordinator/section')`).
 * Eta escapes every `<%= %>` interpolation; `<%~ %>` (raw) is used only for the layout's body and partials.
 */
export function useWebViews(app: NestExpressApplication, production: boolean): void {
  const eta = new Eta({ views: WEB_TEMPLATES_DIR, cache: production, autoTrim: [false, 'nl'] });
  app.engine('eta', (path: string, options: object, done: (error: Error | null, html?: string) => void) => {
    try {
      done(null, eta.render(relative(WEB_TEMPLATES_DIR, path), options));
    } catch (error) {
      done(error as Error);
    }
  });
  app.setBaseViewsDir(WEB_TEMPLATES_DIR);
  app.setViewEngine('eta');
}

/** Formats numbers and dates for the reader's language; times in the zone that matters (the host country's). */
export function formatters(language: string) {
  const numbers = new Intl.NumberFormat(language);
  const percents = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  return {
    number: (n: number | null | undefined) => (n === null || n === undefined ? '–' : numbers.format(n)),
    percent: (share: number) => percents.format(share),
    dateTime: (value: Date | string | null | undefined, timeZone?: string) =>
      value
        ? new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: timeZone ? 'short' : undefined }).format(new Date(value))
        : '–',
    date: (value: Date | string | null | undefined, timeZone?: string) => (value ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone }).format(new Date(value)) : '–'),
    /** A wall-clock time already shifted to its zone (the hand-in time), shown without converting it again. */
    wallClock: (value: Date) => new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(value),
  };
}
export type Formatters = ReturnType<typeof formatters>;

/**
 * What every page's template can use (`it.t`, `it.format`, `it.asset`, `it.csrf()`, `it.lang`), set before the
 * route runs so that error pages have it too. `response.locals.page` tells the error filter to answer with a page.
 */
export function pageLocals(assets: AssetCatalogue) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!isPage(request)) return next();
    const language = chooseLanguage(request);
    if (request.query.lang === language) {
      response.cookie(LANGUAGE_COOKIE, language, { maxAge: 365 * 24 * 3600_000, sameSite: 'lax', httpOnly: true });
    }
    Object.assign(response.locals, {
      page: true,
      lang: language,
      languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
      t: translator(language),
      format: formatters(language),
      asset: (name: string) => assets.url(name),
      csrf: () => csrfToken(request),
    });
    next();
  };
}
