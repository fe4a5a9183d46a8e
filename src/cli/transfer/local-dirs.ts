// The local directories of a get -r, made as its files need them: a file's directory (the tree's own first) when
// the file is written, so a run whose every file fails before it is written makes nothing. The tree's own directory,
// when the run makes it as its target, is recorded in the same synchronous step that makes it (tree-target.ts).
import { type BigIntStats, mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { ApiError } from '../client.ts';
import { LocalError, strerror } from './get-file.ts';

/** A directory's identity: its device, inode and birth time (an inode freed by a removed directory may be reused). */
const identity = (s: BigIntStats) => `${s.dev}:${s.ino}:${s.birthtimeNs}`;

/** The identity of the local directory at `path`, or undefined when no directory is there. */
export async function localDirectory(path: string): Promise<string | undefined> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s?.isDirectory() ? identity(s) : undefined;
}

/** Makes a directory of a tree, and what it lies in. */
export type MakeDir = (dir: string) => Promise<void>;

/**
 * Makes the directories of the tree whose local top is `base`: each call makes `base` first (once; as cp, not its
 * missing parents), then `dir` (a directory under it, or `base`) with its parents. When this call made `base`, its
 * identity goes to `made` before anything else runs, so that no file is written into it and no signal is handled
 * before the record is kept. Throws ApiError of status 0 (which ends the run: every file needs it) when `base`
 * cannot be made, and LocalError when `dir` cannot, both as mkdir says it: `cannot create directory 'X': Not a
 * directory`, `No such file or directory` for a `base` whose parent is not there.
 */
export function treeDirs(options: { base: string; made?: (identity: string) => void }): MakeDir {
  const { base, made } = options;
  let top: Promise<void> | undefined;
  const makeTop = async () => {
    try {
      mkdirSync(base);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'LocalError';
      // One there already (a resumed run, or LOCAL/NAME of an earlier get) takes the files as it is.
      if (code === 'EEXIST' && statSync(base, { throwIfNoEntry: false })?.isDirectory()) return;
      throw new ApiError(0, code, `cannot create directory '${base}': ${strerror(err)}`);
    }
    made?.(identity(statSync(base, { bigint: true })));
  };
  return async (dir) => {
    top ??= makeTop();
    await top;
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw new LocalError(`cannot create directory '${dir}': ${strerror(err)}`);
    });
  };
}
