import { createReadStream, createWriteStream, ReadStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';

/**
 * Uploaded files and generated artefacts on a local (or mounted, shared) folder. Paths are relative keys such
 * as `batches/<id>/upload`; every worker that can process a batch must see the same folder.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  path(key: string): string {
    const safe = normalize(key);
    if (safe.startsWith('..') || safe.startsWith('/')) throw new Error(`unsafe storage key ${key}`);
    return join(this.root, safe);
  }

  async writeStream(key: string): Promise<WriteStream> {
    await mkdir(dirname(this.path(key)), { recursive: true });
    return createWriteStream(this.path(key));
  }

  readStream(key: string): ReadStream {
    return createReadStream(this.path(key));
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    await mkdir(dirname(this.path(toKey)), { recursive: true });
    await rename(this.path(fromKey), this.path(toKey));
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return null;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { recursive: true, force: true });
  }
}
