// Where a put -r or get -r of one directory lands when its target does not say (no '/' at its end): into the
// target when a directory is there, else as the target, which the run makes. A rerun of an unfinished run would find
// that directory and go one level deeper; so a run that makes the target records it in the transfer state with the
// directory's identity (its entry id on the server, its device, inode and birth time here), and a rerun puts the
// files where the first run did only while that same directory is there. Any other directory there is cp's case:
// the tree goes into it under its own name, and the record is dropped.
import type { Output } from '../output.ts';
import type { TransferState } from './state.ts';

/** A tree transfer's key in the state: the verb, the server's origin, and both ends as absolute as they go. */
export const treeKey = (...parts: string[]) => parts.join('\n');

/** The line told when a rerun takes the target an unfinished run made (TARGET as the command line names it). */
export const resumeNote = (target: string, name: string) =>
  `resuming as the unfinished run did: the files go to ${target}/..., not ${target}/${name}/...`;

/**
 * Tells that a rerun takes the target an unfinished run made: resumeNote on standard error, or under --json the line
 * `{"resumed":true,"source":SOURCE,"target":TARGET}` before the files' own (both as the results name them).
 */
export function tellResume(
  out: Pick<Output, 'tell'>,
  r: { source: string; target: string; name: string },
): void {
  out.tell({ resumed: true, source: r.source, target: r.target }, resumeNote(r.target, r.name));
}

/** The target of a tree transfer, as a rerun looks at it. */
export interface TreeTarget {
  key: string;
  /** Whether a directory is at the target now. */
  isDir: () => Promise<boolean>;
  /** Whether the directory at the target now is the one of identity `made`. */
  isSame: (made: string) => Promise<boolean>;
}

/**
 * Whether the tree goes into its target, and whether the target is the one an unfinished run made (`resumed`: the
 * files go where that run put them, its record is kept fresh and `tell` says so in one line).
 */
export async function treeInto(
  state: TransferState,
  target: TreeTarget,
  tell: () => void,
): Promise<{ into: boolean; resumed: boolean }> {
  const kept = state.tree(target.key);
  if (kept) {
    if (await target.isSame(kept.made)) {
      state.saveTree(target.key, kept.made);
      tell();
      return { into: false, resumed: true };
    }
    state.dropTree(target.key);
  }
  return { into: await target.isDir(), resumed: false };
}
