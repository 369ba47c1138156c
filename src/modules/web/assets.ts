import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { WEB_TEMPLATES_DIR } from './web-files';

/** Every file a page loads: from the repository or an npm package, never from another origin. */
const SOURCES: Record<string, string> = {
  'app.css': join(WEB_TEMPLATES_DIR, 'assets', 'app.css'),
  'app.js': join(WEB_TEMPLATES_DIR, 'assets', 'app.js'),
  'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
};

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

export interface Asset {
  /** `/assets/app.3f2a9c1b7e.css`: the content hash in the name lets browsers keep it for a year. */
  url: string;
  body: Buffer;
  type: string;
}

/** The assets, read and hashed once at start. */
export class AssetCatalogue {
  private readonly byName = new Map<string, Asset>();
  private readonly byUrl = new Map<string, Asset>();

  constructor() {
    for (const [name, path] of Object.entries(SOURCES)) {
      const body = readFileSync(path);
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const ext = extname(name);
      const asset = { url: `/assets/${name.slice(0, -ext.length)}.${hash}${ext}`, body, type: TYPES[ext] };
      this.byName.set(name, asset);
      this.byUrl.set(asset.url, asset);
    }
  }

  url(name: string): string {
    const asset = this.byName.get(name);
    if (!asset) throw new Error(`unknown asset ${name}`);
    return asset.url;
  }

  find(url: string): Asset | undefined {
    return this.byUrl.get(url);
  }
}
