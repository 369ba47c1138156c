import argon2 from 'argon2';

/** Long enough to resist guessing, short enough to type on a phone: a passphrase of three words passes. */
export const MIN_PASSWORD_LENGTH = 10;

/** argon2id with the library's defaults (64 MiB, 3 passes), as OWASP recommends for password storage. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function passwordMatches(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    // Spend the same time as a real check, so a response time does not tell which e-mails have an account.
    await argon2.hash(password, { type: argon2.argon2id });
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 1000) return 'The password is too long (at most 1,000 characters).';
  return null;
}
