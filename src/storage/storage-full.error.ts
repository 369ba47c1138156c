import { DomainError } from '../common/errors';

/**
 * The disk (or quota) of the file store is full. An upload answers 507 with this message and a pack that cannot be
 * written fails with it; what was half written is not kept, and nothing of it counts.
 */
export class StorageFullError extends DomainError {
  constructor() {
    super(
      507,
      'storage_full',
      "The server's disk is full, so the file could not be stored and nothing of it counts. Tell your campaign lead; once they have made room, try again.",
    );
  }
}
