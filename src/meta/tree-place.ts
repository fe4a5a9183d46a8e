// An entry's place in the tree: the path of its parent directory ('' at a project's root) and its name.

export interface Place {
  parent: string;
  name: string;
}

/**
 * The place of a file at `path`: `a/b/c` is `c` in `a/b`; a folder marker `a/b/` has the name '' in `a/b`, so that it
 * makes its directory without being listed in it.
 */
export function filePlace(path: string): Place {
  if (path.endsWith('/')) return { parent: path.slice(0, -1), name: '' };
  const slash = path.lastIndexOf('/');
  return slash < 0
    ? { parent: '', name: path }
    : { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** The place of the directory at `path` (no trailing '/'): `a/b` is `b` in `a`. */
export function dirPlace(path: string): Place {
  return filePlace(path);
}

/** The path of the entry at a place. */
export const joinPlace = (p: Place): string => (p.parent === '' ? p.name : `${p.parent}/${p.name}`);

/** The directories that must exist for an entry in `parent`, outermost first: `a/b` needs `a` and `a/b`. */
export function ancestorsOf(parent: string): string[] {
  if (parent === '') return [];
  const segments = parent.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

/** The path column of a directory row: U+0002 and its id, which no client path can equal. */
export const dirPathKey = (id: string): string => `\u0002${id}`;

/** rwxr-xr-x: the mode of a directory made without one. */
export const DIR_MODE = 0o755;
