// Compute paths (spec §3): one URL segment in which '/' is `~fs~`, '~' is `~~`, ';' is `~sc~` and '\' is `~rs~`,
// percent-encoded on top; absolute with a leading `~fs~`, else relative to the session's working directory. Inside,
// a path is its list of names from the session's root '/', whose top level holds the projects.
import { StorageError } from '../../../core/errors.ts';

/** A path as the names from the root: [] is the root, [project] a project, [project, ...] below it. */
export type Segments = string[];

const ESCAPES: Record<string, string> = { '~': '~', 'fs~': '/', 'sc~': ';', 'rs~': '\\' };

const badPath = (why: string) => new StorageError('InvalidPath', `The path is not valid: ${why}.`);

/**
 * The slash form of a path parameter, already percent-decoded by the router: `~~`, `~fs~`, `~sc~` and `~rs~` read
 * left to right. Any other `~` is InvalidPath.
 */
export function decodeTildes(param: string): string {
  let out = '';
  for (let i = 0; i < param.length; ) {
    const c = param[i]!;
    if (c !== '~') {
      out += c;
      i++;
      continue;
    }
    const rest = param.slice(i + 1, i + 4);
    const known = Object.keys(ESCAPES).find((k) => rest.startsWith(k));
    if (known === undefined)
      throw badPath(`'${param.slice(i, i + 4)}' at ${i} is not an escape (~~, ~fs~, ~sc~ or ~rs~)`);
    out += ESCAPES[known];
    i += 1 + known.length;
  }
  return out;
}

/** One name as an href writes it: `~` → `~~`, `;` → `~sc~`, then percent-encoded. */
export const encodeName = (name: string) =>
  encodeURIComponent(name.replaceAll('~', '~~').replaceAll(';', '~sc~'));

/**
 * A slash-form path resolved against `cwd`: absolute when it starts with '/', `.`, `..` and empty names folded.
 * InvalidPath when it climbs above the root, holds a NUL or a control character, or is empty.
 */
export function resolvePath(slashForm: string, cwd: Segments): Segments {
  if (slashForm === '') throw badPath('it is empty');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(slashForm)) throw badPath('it holds a control character');
  const out = slashForm.startsWith('/') ? [] : [...cwd];
  for (const name of slashForm.split('/')) {
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (out.length === 0) throw badPath('it climbs above the root of the session');
      out.pop();
      continue;
    }
    out.push(name);
  }
  return out;
}

/** The session's working directory as names. */
export const cwdOf = (cwd: string): Segments => cwd.split('/').filter((n) => n !== '');

/** A path parameter as names (spec §3): decoded, then resolved against `cwd`. */
export const paramPath = (param: string, cwd: Segments): Segments => resolvePath(decodeTildes(param), cwd);

/** Whether `inner` is `outer` or below it. */
export const within = (inner: Segments, outer: Segments) =>
  inner.length >= outer.length && outer.every((n, i) => inner[i] === n);

/**
 * A path as an href segment: relative to `cwd` when it is below it and `expand` is off, else absolute (`~fs~` and
 * the names, `~fs~` alone for the root).
 */
export function hrefOf(path: Segments, cwd: Segments, expand: boolean): string {
  if (!expand && path.length > cwd.length && within(path, cwd))
    return path.slice(cwd.length).map(encodeName).join('~fs~');
  return `~fs~${path.map(encodeName).join('~fs~')}`;
}

/** A directory in slash form as FileProperties' `path` shows it: relative to `cwd` unless `expand`. */
export function slashOf(dir: Segments, cwd: Segments, expand: boolean): string {
  if (!expand && within(dir, cwd)) return dir.slice(cwd.length).join('/');
  return `/${dir.join('/')}`;
}

/** The core's place for a path below the root: a project and the path in it ('' for the project itself). */
export function placeOf(path: Segments): { project: string; path: string } {
  if (path.length === 0)
    throw new StorageError('InvalidPath', 'The root of the session is no file or directory.');
  return { project: path[0]!, path: path.slice(1).join('/') };
}
