import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The feature modules form a pipeline, and code may only look back along it: a module imports from the
 * modules before it (and from the shared code under src/), never from one after it. Pure rules used by several
 * modules (countries, dedupe keys, routing) live in src/domain, below them all.
 */
const ORDER = ['auth', 'campaigns', 'ingest', 'dedupe', 'totals', 'freeze', 'packs', 'privacy', 'health', 'web'];
const MODULES = join(__dirname, '..', '..', 'src', 'modules');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the order of the modules', () => {
  it('lists every module folder', () => {
    expect(readdirSync(MODULES).sort()).toEqual([...ORDER].sort());
  });

  it('has no import from a module into one before it', () => {
    const backwards: string[] = [];
    for (const module of ORDER) {
      for (const file of sources(join(MODULES, module))) {
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
          const target = relative(MODULES, resolve(file, '..', spec)).split('/')[0];
          if (ORDER.includes(target) && ORDER.indexOf(target) > ORDER.indexOf(module)) backwards.push(`${relative(MODULES, file)} imports ${spec}`);
        }
      }
    }
    expect(backwards).toEqual([]);
  });
});
