import { createHash } from 'node:crypto';
import { close, createReadStream, createWriteStream, open, ReadStream, write, WriteStream, writev } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageFullError } from './storage-full.error';

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
    return createWriteStream(this.path(key), { fs: STORE_FS });
  }

  /**
   * A stream that writes `key` while hashing what passes through (uploads, packs). End the stream, then await
   * `written` for the file's SHA-256 and size once it is on disk; `written` rejects if the write fails.
   */
  async writeHashed(key: string): Promise<{ stream: Writable; written: Promise<{ sha256: string; bytes: number }> }> {
    const file = await this.writeStream(key);
    const hash = createHash('sha256');
    let bytes = 0;
    const stream = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const written = pipeline(stream, file).then(() => ({ sha256: hash.digest('hex'), bytes }));
    return { stream, written };
  }

  readStream(key: string): ReadStream {
    return createReadStream(this.path(key));
  }

  /** Writes `key` as the files `parts` one after the other (the parts of a report written by several jobs). */
  async concatenate(parts: string[], key: string): Promise<void> {
    const file = await this.writeStream(key);
    // One pipeline from all the parts in turn: a pipeline per part that leaves the file open keeps its listeners on
    // the file, and a batch of many chunks then outgrew Node's listener limit.
    const readPart = (part: string) => this.readStream(part);
    await pipeline(async function* () {
      for (const part of parts) yield* readPart(part);
    }, file);
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

  /** The keys of the files directly in folder `key` whose names match, with when each was last written. */
  async list(key: string, names: RegExp = /./): Promise<{ key: string; modifiedAt: Date }[]> {
    const entries = await readdir(this.path(key), { withFileTypes: true }).catch(() => []);
    const files = entries.filter((e) => e.isFile() && names.test(e.name)).map((e) => join(key, e.name));
    return Promise.all(files.map(async (file) => ({ key: file, modifiedAt: (await stat(this.path(file))).mtime })));
  }
}

/** A full disk or quota, as the people who meet it should read it; any other error as it is. */
function storeError(error: NodeJS.ErrnoException | null): Error | null {
  return error?.code === 'ENOSPC' || error?.code === 'EDQUOT' ? new StorageFullError() : error;
}

/**
 * The file system calls of the store's write streams, with a full disk reported as StorageFullError (507, a message a
 * coordinator can act on) by the write that met it. The stream fails with it, and so does every pipeline it is part
 * of, whichever stream of the pipeline reports the failure first.
 */
const STORE_FS = {
  open,
  close,
  write: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, done: (error: Error | null, written: number, buffer: Buffer) => void) =>
    write(fd, buffer, offset, length, position, (error, written, data) => done(storeError(error), written, data)),
  writev: (fd: number, buffers: Buffer[], position: number | null, done: (error: Error | null, written: number, buffers: Buffer[]) => void) =>
    writev(fd, buffers, position, (error, written, data) => done(storeError(error), written, data)),
};
