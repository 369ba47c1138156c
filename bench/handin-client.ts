import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { BatchView } from '../src/modules/ingest/batch.dto';
import type { Totals } from '../src/modules/totals/breakdown';

/** The HTTP calls the bench makes, as a coordinator's tooling would make them, with the admin's token. */
export class HandinClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    readonly campaign: string,
  ) {}

  get authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  get counterUrl(): string {
    return `${this.baseUrl}/public/campaigns/${this.campaign}/counter`;
  }

  get totalsUrl(): string {
    return `${this.baseUrl}/api/campaigns/${this.campaign}/totals`;
  }

  async ready(): Promise<boolean> {
    return (await fetch(`${this.baseUrl}/health/ready`)).ok;
  }

  /** A streaming multipart upload: the file is read from disk as it is sent, never held in memory. */
  async upload(section: string, path: string): Promise<BatchView> {
    const form = new FormData();
    form.set('file', await openAsBlob(path, { type: 'text/csv' }), basename(path));
    const response = await fetch(`${this.baseUrl}/api/campaigns/${this.campaign}/sections/${section}/batches`, {
      method: 'POST',
      headers: this.authorization,
      body: form,
    });
    if (response.status !== 202) throw new Error(`upload of ${basename(path)} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as BatchView;
  }

  batch(id: string): Promise<BatchView> {
    return this.getJson(`${this.baseUrl}/api/batches/${id}`);
  }

  totals(): Promise<Totals> {
    return this.getJson(this.totalsUrl);
  }

  private async getJson<T>(url: string): Promise<T> {
    const response = await fetch(url, { headers: this.authorization });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}
