// Where a put -r or get -r of one directory lands when its target does not say (no '/' at its end): into the
// target when a directory is there, else as the target. The run makes the target, so a rerun of an unfinished run
// would find a directory there and go one level deeper: the choice is kept in the transfer state until a run of
// the same directory and target ends with nothing failed, and until then each rerun takes it.
import type { TransferState } from './state.ts';

/** A tree transfer's key in the state: the verb, the server's origin, and both ends as absolute as they go. */
export const treeKey = (...parts: string[]) => parts.join('\n');

/**
 * Whether the tree goes into its target: as an unfinished earlier run with `key` chose, else as `found` says now
 * (and the choice is kept for a rerun).
 */
export async function treeInto(
  state: TransferState,
  key: string,
  found: () => Promise<boolean>,
): Promise<boolean> {
  const kept = state.tree(key);
  if (kept) return kept.into;
  const into = await found();
  state.saveTree(key, into);
  return into;
}
