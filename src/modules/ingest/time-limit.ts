import { DomainError } from '../../common/errors';
import { ParseFailure } from './reading/parse-failure';

/**
 * Runs `work` with a signal that aborts after `ms`. The readers it is given to stop there and close their files;
 * whatever the work then fails with (an AbortError, or a step that noticed), the caller gets `tooSlow(ms)`,
 * which says what to do.
 */
export async function withTimeLimit<T>(ms: number, tooSlow: (ms: number) => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  try {
    return await work(signal);
  } catch (error) {
    throw signal.aborted ? tooSlow(ms) : error;
  }
}

/** `60 s`, `15 minutes`. */
const duration = (ms: number) => (ms < 120_000 ? `${ms / 1000} s` : `${Math.round(ms / 60_000)} minutes`);

/**
 * A check of an upload (the preview, or the first rows an upload is read from) is answered in the request.
 * 422 rather than 503: the file is what the coordinator can change, and the web app shows a 4xx's message.
 */
export function checkTooSlow(ms: number): DomainError {
  return new DomainError(
    422,
    'check_too_slow',
    `This file took longer than ${duration(ms)} to check, so the check was stopped and the file was not kept. Split the export into smaller files, or try again in a few minutes.`,
  );
}

/** A parse job past its time: the batch fails (retrying would take as long again). */
export function parseTooSlow(ms: number): ParseFailure {
  return new ParseFailure(
    `Reading this file took longer than ${duration(ms)}, so it was stopped and nothing of it was counted. Split the export into smaller files (a CSV is read faster than an XLSX) and upload each.`,
  );
}
