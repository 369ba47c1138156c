import { EntityManager } from 'typeorm';
import { Batch } from '../../src/modules/ingest/batch.entity';
import { BatchesRepository, BatchFields } from '../../src/modules/ingest/batches.repository';
import { BatchStatusService } from '../../src/modules/ingest/batch-status.service';
import { SignaturesRepository } from '../../src/modules/ingest/signatures.repository';

/**
 * Hand-written fakes of the repositories a stage's service is given, for unit tests of the service's decisions:
 * an in-memory table of batches, and the signature rows each batch still has. The real BatchStatusService moves
 * batches over them, so its transition table applies in unit tests as it does in production.
 */

/** A batch as the database would hold it; override what a test is about. */
export function batch(overrides: Partial<Batch> = {}): Batch {
  return {
    id: 'batch-1',
    seq: '1',
    campaignId: 7,
    sectionId: 3,
    kind: 'signatures',
    status: 'queued',
    sha256: 'ab'.repeat(32),
    originalName: 'export.csv',
    note: null,
    mapping: null,
    dateFormat: null,
    progress: 0,
    rows: 0,
    accepted: 0,
    rejected: 0,
    duplicatesInBatch: 0,
    duplicatesExisting: 0,
    counted: 0,
    rejectionsByReason: {},
    tallyCount: null,
    tallyCountry: null,
    tallyDeliveryPointCode: null,
    error: null,
    uploadedBy: null,
    createdAt: new Date('2017-05-01T10:00:00Z'),
    committedAt: null,
    retractedAt: null,
    ...overrides,
  } as Batch;
}

/** The transaction handle fakes pass around; the fakes ignore it. */
export const TX = {} as EntityManager;

export interface FakeStore {
  /** The batches table, by id. */
  batches: Map<string, Batch>;
  /** Ids of batches whose signature rows were deleted (a failed or retracted batch loses its rows). */
  rowsDeleted: string[];
  batchesRepository: BatchesRepository;
  signaturesRepository: SignaturesRepository;
  /** The real status service over the fake repositories. */
  status: BatchStatusService;
}

export function fakeStore(...rows: Batch[]): FakeStore {
  const batches = new Map(rows.map((b) => [b.id, { ...b }]));
  const rowsDeleted: string[] = [];
  const copy = (id: string) => (batches.has(id) ? { ...batches.get(id)! } : null);
  const batchesRepository = {
    findById: async (id: string) => copy(id),
    findForUpdate: async (_tx: EntityManager, id: string) => copy(id),
    withLocked: async <T>(id: string, work: (tx: EntityManager, b: Batch | null) => Promise<T>) => work(TX, copy(id)),
    updateStatus: async (id: string, from: Batch['status'][], to: Batch['status'], fields: BatchFields) => {
      const current = batches.get(id);
      if (!current || !from.includes(current.status)) return false;
      batches.set(id, { ...current, ...fields, status: to });
      return true;
    },
    addParseProgress: async (id: string, share: number, upTo: number) => {
      const current = batches.get(id);
      if (current?.status !== 'parsing') return false;
      current.progress = Math.min(upTo, current.progress + share);
      return true;
    },
    setParseProgress: async () => undefined,
  } as unknown as BatchesRepository;
  const signaturesRepository = {
    deleteBatch: async (_tx: EntityManager, id: string) => void rowsDeleted.push(id),
  } as unknown as SignaturesRepository;
  // Collaborators beyond the two repositories (the queue, the clock) get inert fakes; the tests here are about rows.
  const statusDependencies = [batchesRepository, signaturesRepository, { sweepFilesSoon: async () => undefined }, { now: () => new Date() }];
  const status = new BatchStatusService(...(statusDependencies as unknown as ConstructorParameters<typeof BatchStatusService>));
  return { batches, rowsDeleted, batchesRepository, signaturesRepository, status };
}
