/**
 * Fails a batch at whatever stage it is because a stage gave up, taking back out whatever it counted already, with
 * a message for the coordinator. The dedupe stage does this (DedupeService.fail); the dedupe module comes after this
 * one, so the workers wire it in (src/workers.module.ts).
 */
export abstract class BatchFailer {
  abstract fail(batchId: string, message: string): Promise<void>;
}
