import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
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

  receive(request: IncomingMessage): Promise<ReceivedUpload> {
    const limit = this.config.maxUploadBytes;
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: request.headers, limits: { files: 1, fileSize: limit, fields: 20 } });
      } catch {
        return reject(new InvalidInputError('bad_upload', 'Send the file as multipart/form-data in a field named "file".'));
      }
      const fields: Record<string, string> = {};
      let saving: Promise<Omit<ReceivedUpload, 'fields'>> | null = null;

      parser.on('field', (name, value) => (fields[name] = value));
      parser.on('file', (name, stream, info) => {
        if (name !== 'file') {
          stream.resume();
          return;
        }
        saving = this.save(stream, info.filename, limit);
        saving.catch(() => undefined); // observed below; avoid an unhandled rejection while busboy finishes
      });
      parser.on('error', () => reject(new InvalidInputError('bad_upload', 'The upload was cut off or is not valid multipart/form-data. Try again.')));
      parser.on('close', async () => {
        if (!saving) return reject(new InvalidInputError('missing_file', 'No file received: send the export in a multipart field named "file".'));
        try {
          resolve({ ...(await saving), fields });
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
