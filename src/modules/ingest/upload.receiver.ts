import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { refuseControlCharacters } from '../../common/control-characters';
import { InvalidInputError, PayloadTooLargeError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { FileStore } from '../../storage/file-store';

export interface ReceivedUpload {
  /** Temporary key in the file store; the batch service moves it to the batch's folder. */
  tempKey: string;
  sha256: string;
  size: number;
  originalName: string;
  fields: Record<string, string>;
  /** Aborts when the client that sent the upload goes away before it is answered (never, for the CLI's file). */
  clientGone?: AbortSignal;
}

/**
 * Streams a multipart upload straight to the file store, hashing as it goes: a 200 MB export never sits in
 * memory, and the SHA-256 that identifies a re-upload is known the moment the last byte lands.
 */
@Injectable()
export class UploadReceiver {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FileStore,
  ) {}

  /**
   * Every way an upload can end is handled here, because one unhandled stream error would take the whole API
   * process down: a form cut off mid-file (busboy's "Unexpected end of form"), a client that closes the
   * connection, a file over the size limit. Whatever happens, a partial file does not stay in the store.
   */
  receive(request: IncomingMessage): Promise<ReceivedUpload> {
    const limit = this.config.maxUploadBytes;
    const clientGone = whenClientGoes(request);
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: request.headers, limits: { files: 1, fileSize: limit, fields: 20 } });
      } catch {
        return reject(new InvalidInputError('bad_upload', 'Send the file as multipart/form-data in a field named "file".'));
      }
      const fields: Record<string, string> = {};
      let saving: Promise<Omit<ReceivedUpload, 'fields'>> | null = null;
      let file: Readable | null = null;
      let settled = false;

      /** Stops reading, drops what was written so far (even a file complete before the form broke), refuses. */
      const abandon = (error: Error) => {
        if (settled) return;
        settled = true;
        request.unpipe(parser);
        parser.destroy();
        file?.destroy(error);
        saving?.then((saved) => this.files.remove(saved.tempKey), () => undefined);
        reject(error);
      };
      const cutOff = () => abandon(new InvalidInputError('bad_upload', 'The upload was cut off or is not valid multipart/form-data. Try again.'));

      parser.on('field', (name, value) => {
        try {
          refuseControlCharacters({ [name]: value }, 'The field');
          fields[name] = value;
        } catch (error) {
          abandon(error as Error);
        }
      });
      parser.on('file', (name, stream, info) => {
        // A part busboy had already buffered may arrive after the upload was abandoned: it is not saved.
        if (name !== 'file' || saving || settled) {
          stream.resume();
          return;
        }
        file = stream;
        // Listened to at once: the pipeline in save() is attached only after the store has opened the file.
        stream.on('error', () => undefined);
        saving = this.save(stream, info.filename, limit);
        // A file the store cannot write (the disk full) ends the upload at once: its stream is destroyed, so busboy
        // would never reach the end of the form, and the request would wait for ever.
        saving.catch(abandon);
      });
      parser.on('error', cutOff);
      // A client that goes away mid-upload: the request closes before busboy has seen the end of the form.
      request.on('close', () => {
        if (!request.complete) cutOff();
      });
      parser.on('close', async () => {
        if (settled) return;
        settled = true;
        if (!saving) return reject(new InvalidInputError('missing_file', 'No file received: send the export in a multipart field named "file".'));
        try {
          resolve({ ...(await saving), fields, clientGone });
        } catch (error) {
          reject(error);
        }
      });
      request.pipe(parser);
    });
  }

  /** The same for a file on this machine (the CLI's batch:upload). */
  async receiveFile(path: string, fields: Record<string, string>): Promise<ReceivedUpload> {
    return { ...(await this.save(createReadStream(path), basename(path), this.config.maxUploadBytes)), fields };
  }

  private async save(stream: NodeJS.ReadableStream & { truncated?: boolean }, originalName: string, limit: number) {
    const tempKey = `tmp/${randomUUID()}`;
    const { stream: file, written } = await this.files.writeHashed(tempKey);
    let stored: { sha256: string; bytes: number };
    try {
      [, stored] = await Promise.all([pipeline(stream, file), written]);
    } catch (error) {
      // The file is opened asynchronously: removing it before its stream has closed could let the open
      // create it again afterwards, leaving a partial file behind.
      await written.catch(() => undefined);
      await this.files.remove(tempKey);
      throw error;
    }
    if (stream.truncated) {
      await this.files.remove(tempKey);
      throw new PayloadTooLargeError(`The file is larger than ${Math.round(limit / 1024 / 1024)} MB. Split the export into smaller files and upload each.`);
    }
    return { tempKey, sha256: stored.sha256, size: stored.bytes, originalName: originalName || 'upload.csv' };
  }
}

/**
 * A signal that aborts when the connection closes before the answer was sent: a check of the file that is still
 * running then stops, instead of reading on for nobody. Express keeps the response on the request.
 */
function whenClientGoes(request: IncomingMessage): AbortSignal | undefined {
  const response = (request as IncomingMessage & { res?: ServerResponse }).res;
  if (!response) return undefined;
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}
