import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILLER = '.filler';

/**
 * A small disk of its own for a file store that a test fills up: a tmpfs of `megabytes` mounted on `path`. Needs
 * root (or CAP_SYS_ADMIN), as the fault suite has in CI; returns why it could not mount, or null when it did.
 */
export function mountSmallDisk(path: string, megabytes: number): string | null {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('umount', [path], { stdio: 'ignore' }); // one a crashed run left behind
  } catch {
    // nothing was mounted there
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'handin-faults-disk', path], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

export function unmountSmallDisk(path: string): void {
  execFileSync('umount', [path]);
}

/** Fills the disk of `path` until only `leaveBytes` are free. */
export async function fillDisk(path: string, leaveBytes: number): Promise<void> {
  const { bavail, bsize } = await statfs(path);
  await writeFile(join(path, FILLER), Buffer.alloc(Math.max(0, bavail * bsize - leaveBytes)), { flag: 'a' });
}

/** Frees what `fillDisk` took. */
export async function emptyDisk(path: string): Promise<void> {
  await rm(join(path, FILLER), { force: true });
}
