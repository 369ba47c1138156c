import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of the project's `templates/web` (pages, catalogues, stylesheet and script). Found by walking up
 * from this file, so it is the same whether the code runs compiled from dist/ or from src/ under the tests.
 */
export const WEB_TEMPLATES_DIR = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'templates', 'web');
  }
  throw new Error(`no package.json above ${__dirname}: cannot find templates/web`);
})();
