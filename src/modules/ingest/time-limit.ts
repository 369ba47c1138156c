import { DomainError, InvalidInputError } from '../../common/errors';
import { ParseFailure } from './reading/parse-failure';

/**
 * Runs `work` with a signal that aborts after `ms`, or when `clientGone` aborts (the client who waits for the
 * answer went away). The readers it is given to stop there and close their files; whatever the work then fails
 * with (an AbortError, or a step that noticed), the caller gets `tooSlow(ms)`, which says what to do, or, for a
 * client that left, an error nobody will read but that is logged as a 4xx rather than a fault.
 */
export async function withTimeLimit<T>(ms: number, tooSlow: (ms: number) => Error, work: (signal: AbortSignal) => Promise<T>, clientGone?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(ms);
  const signal = clientGone ? AbortSignal.any([timeout, clientGone]) : timeout;
  try {
    return await work(signal);
  } catch (error) {
    if (timeout.aborted) throw tooSlow(ms);
    if (signal.aborted) throw new InvalidInputError('client_gone', 'The connection closed before the file was checked; nothing was kept.');
    throw error;
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
