import { Request } from 'express';

/** Paths that belong to the API, the probes and the assets: they answer JSON or files, never a page. */
const NOT_PAGES = /^\/(api|public|health|assets)(\/|$)/;

/**
 * Whether a request is for a page. Read from `originalUrl`: middleware that Nest mounts sees `path` relative
 * to its mount point.
 */
export function isPage(request: Request): boolean {
  return !NOT_PAGES.test(request.originalUrl);
}
