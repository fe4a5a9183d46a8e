// The naming rules of the `rename` conflict policy, by name, so that work stored for later (a job) can name its rule.
import { defaultRenamer } from './commit.ts';

/** The n-th candidate name for `path` under a rule. */
export type Renamer = (path: string, n: number) => string;

/** `n_name` in the same folder: Seven Bridges' rule (`file.ext`, then `1_file.ext`, `2_file.ext`...). */
export function numberedPrefix(path: string, n: number): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}${n}_${path.slice(slash + 1)}`;
}

export const RENAMERS = {
  /** `name (n).ext`. */
  default: defaultRenamer,
  'numbered-prefix': numberedPrefix,
} as const satisfies Record<string, Renamer>;

export type RenamerName = keyof typeof RENAMERS;
