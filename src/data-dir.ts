// The data directory is private to the server's user: the directory 0700, and nothing in it open to others.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const OPEN_TO_OTHERS = 0o077;

/**
 * Makes `dir` (creating it) mode 0700 and takes the group and other bits off everything below it, so that a data
 * directory made by an older version (or copied without its modes) is as private as a new one. The blocks tree
 * may hold millions of files: it is walked only while `blocks/` itself is still open to others, so that cost is
 * paid once. Symbolic links are left alone.
 */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'blocks' || lstatSync(path).mode & OPEN_TO_OTHERS) tighten(path);
    } else if (entry.isFile()) tightenFile(path);
  }
}

/** Makes everything below `dir` private, then `dir` itself 0700: last, as a private `blocks/` marks its tree done. */
function tighten(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tighten(path);
    else if (entry.isFile()) tightenFile(path);
  }
  chmodSync(dir, 0o700);
}

function tightenFile(path: string): void {
  const mode = lstatSync(path).mode & 0o777;
  if (mode & OPEN_TO_OTHERS) chmodSync(path, mode & ~OPEN_TO_OTHERS);
}
