import { Logger } from '@nestjs/common';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/config';
import { CampaignsRepository } from '../../src/modules/campaigns/campaigns.repository';
import { CampaignsService } from '../../src/modules/campaigns/campaigns.service';
import { batchFiles } from '../../src/modules/ingest/batch-files';
import { ChunkResult, PARSED_PROGRESS, ParseService } from '../../src/modules/ingest/parse.service';
import { ParseChunkPayload } from '../../src/queue/jobs';
import { FileStore } from '../../src/storage/file-store';
import { batch, fakeStore, FakeStore } from '../support/fakes';

/**
 * The parse stage's decisions (src/modules/ingest/parse.service.ts): which batches it parses, how a file is cut
 * into chunk jobs, how chunk results add up, and which errors fail a batch rather than retry the job. The
 * repositories are fakes; files are real, in a temporary folder.
 */
describe('ParseService', () => {
  let dir: string;
  let files: FileStore;
  let store: FakeStore;
  let campaignsRepository: { findById: jest.Mock; findSectionById: jest.Mock };

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handin-parse-'));
    files = new FileStore(dir);
    campaignsRepository = { findById: jest.fn(async () => null), findSectionById: jest.fn(async () => null) };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function service(...batches: ReturnType<typeof batch>[]): ParseService {
    store = fakeStore(...batches);
    const config = { parseChunkBytes: 64, parseTimeLimitMs: 60_000, hmacSecret: Buffer.from('secret') } as unknown as AppConfig;
    const clock = { now: () => new Date('2017-05-01T12:00:00Z') } as Clock;
    return new ParseService(
      config,
      store.signaturesRepository,
      store.batchesRepository,
      store.status,
      {} as unknown as CampaignsService,
      campaignsRepository as unknown as CampaignsRepository,
      files,
      clock,
    );
  }
  const write = async (key: string, text: string) => {
    await mkdir(dirname(files.path(key)), { recursive: true });
    await writeFile(files.path(key), text);
  };
  const uploaded = (id: string, text: string) => write(batchFiles(id).upload, text);
  const chunkJob = (id: string): ParseChunkPayload => ({ batchId: id, chunk: { index: 0, start: 0, end: null, rowsBefore: 0, rows: 0, linesBefore: 0 }, chunks: 1, csv: null });
  const result = (index: number, chunks: number, counts: Partial<NonNullable<ChunkResult>> = {}): ChunkResult => ({
    index,
    chunks,
    rows: 0,
    accepted: 0,
    rejected: 0,
    rejectionsByReason: {},
    ...counts,
  });

  describe('plan', () => {
    it('skips a batch that was failed or retracted before its parse job ran, reading nothing', async () => {
      const parse = service(batch({ id: 'gone', status: 'retracted' }), batch({ id: 'failed', status: 'failed', error: 'earlier' }));
      expect(await parse.plan('gone')).toBeNull();
      expect(await parse.plan('failed')).toBeNull();
      expect(await parse.plan('missing')).toBeNull();
      expect(store.batches.get('gone')).toMatchObject({ status: 'retracted' });
      expect(store.batches.get('failed')).toMatchObject({ status: 'failed', error: 'earlier' });
    });

    it('cuts a CSV larger than a chunk into chunk jobs; every chunk but the first carries the header row', async () => {
      const parse = service(batch({ id: 'b' }));
      const rows = Array.from({ length: 12 }, (_, i) => `Person${i},person${i}@example.org`);
      await uploaded('b', ['Full name,Email', ...rows].join('\n') + '\n');

      const jobs = (await parse.plan('b'))!;
      expect(jobs.length).toBeGreaterThan(1);
      expect(jobs.every((j) => j.batchId === 'b' && j.chunks === jobs.length)).toBe(true);
      expect(jobs.map((j) => j.chunk.index)).toEqual(jobs.map((_, i) => i));
      expect(jobs[0].csv).toMatchObject({ delimiter: ',', header: null });
      for (const job of jobs.slice(1)) expect(job.csv).toMatchObject({ delimiter: ',', header: ['Full name', 'Email'] });
      expect(store.batches.get('b')).toMatchObject({ status: 'parsing' });
    });

    it('fails the batch with a message naming the columns when its header cannot be mapped', async () => {
      const parse = service(batch({ id: 'b' }));
      await uploaded('b', 'foo;bar\n1;2\n');

      expect(await parse.plan('b')).toBeNull();
      const failed = store.batches.get('b')!;
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/"foo", "bar"/);
      expect(store.rowsDeleted).toEqual(['b']);
    });

    it('fails an empty file with a message that says so', async () => {
      const parse = service(batch({ id: 'b' }));
      await uploaded('b', '');

      expect(await parse.plan('b')).toBeNull();
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: expect.stringMatching(/empty/i) });
    });
  });

  describe('parseChunk', () => {
    it('parses nothing for a batch that is no longer parsing', async () => {
      const parse = service(batch({ id: 'b', status: 'retracted' }));
      expect(await parse.parseChunk(chunkJob('b'))).toBeNull();
      expect(store.batches.get('b')).toMatchObject({ status: 'retracted', error: null });
      expect(store.rowsDeleted).toEqual([]);
    });

    it("fails the batch when its campaign or section is gone, with a message for the coordinator", async () => {
      const parse = service(batch({ id: 'b', status: 'parsing' }));
      expect(await parse.parseChunk(chunkJob('b'))).toBeNull();
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: 'The campaign or section of this batch no longer exists.' });
    });

    it('lets any other error through, so the job is retried and the batch keeps parsing', async () => {
      const parse = service(batch({ id: 'b', status: 'parsing' }));
      campaignsRepository.findById.mockRejectedValue(new Error('connection terminated'));
      await expect(parse.parseChunk(chunkJob('b'))).rejects.toThrow('connection terminated');
      expect(store.batches.get('b')).toMatchObject({ status: 'parsing', error: null });
    });
  });

  describe('finish', () => {
    it("adds up the chunks' counts, joins their rejection reports in order and hands the batch to dedupe", async () => {
      const parse = service(batch({ id: 'b', status: 'parsing' }));
      const parts = batchFiles('b');
      await write(parts.rejectionsPart(0), 'row,reason\n2,missing_name\n');
      await write(parts.rejectionsPart(1), '7,invalid_email\n');

      await parse.finish('b', [
        result(1, 2, { rows: 40, accepted: 39, rejected: 1, rejectionsByReason: { invalid_email: 1 } }),
        result(0, 2, { rows: 50, accepted: 48, rejected: 2, rejectionsByReason: { missing_name: 1, invalid_email: 1 } }),
      ]);

      expect(store.batches.get('b')).toMatchObject({
        status: 'deduplicating',
        progress: PARSED_PROGRESS,
        rows: 90,
        accepted: 87,
        rejected: 3,
        rejectionsByReason: { missing_name: 1, invalid_email: 2 },
      });
      expect(await readFile(files.path(parts.rejections), 'utf8')).toBe('row,reason\n2,missing_name\n7,invalid_email\n');
      expect(await files.size(parts.rejectionsPart(0))).toBeNull();
      expect(await files.size(parts.rejectionsPart(1))).toBeNull();
    });

    it('throws (so the job is retried) while a chunk has not reported, and leaves the batch parsing', async () => {
      const parse = service(batch({ id: 'b', status: 'parsing' }));
      await expect(parse.finish('b', [result(0, 3), result(1, 3)])).rejects.toThrow('2 of 3 chunks reported');
      await expect(parse.finish('b', [result(0, 2), null])).rejects.toThrow('1 of 2 chunks reported');
      expect(store.batches.get('b')).toMatchObject({ status: 'parsing' });
    });

    it('fails a file with a header but no data rows', async () => {
      const parse = service(batch({ id: 'b', status: 'parsing' }));
      await write(batchFiles('b').rejectionsPart(0), 'row,reason\n');

      await parse.finish('b', [result(0, 1)]);
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: 'The file has a header row but no data rows.' });
    });

    it('leaves a batch alone that a chunk failed or that was retracted meanwhile', async () => {
      const parse = service(batch({ id: 'b', status: 'failed', error: 'chunk 3: not readable' }));
      await parse.finish('b', [result(0, 1, { rows: 5, accepted: 5 })]);
      expect(store.batches.get('b')).toMatchObject({ status: 'failed', error: 'chunk 3: not readable', rows: 0 });
    });
  });
});
