// Paths on the command line, as rclone reads them: `SERVER:PROJECT/PATH` or `:PROJECT/PATH` (the default server) is
// remote, anything else is local. A colon counts only before the first slash, so `./a:b` and `/x/a:b` stay local.

export interface RemotePath {
  kind: 'remote';
  /** The server's name in the client's configuration; undefined for the default server. */
  server: string | undefined;
  /** The project; '' when the path names only the server (`mimeo ls SERVER:`). */
  project: string;
  /** The path inside the project without leading or trailing slashes; '' for the top of the project. */
  path: string;
  /** Whether the text ended in a slash: a directory, into which a copy goes under its own name. */
  dirHint: boolean;
  /** The text as given, for messages. */
  text: string;
}

export interface LocalPath {
  kind: 'local';
  path: string;
}

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class PathError extends Error {
  override name = 'PathError';
}

/** Reads one command-line path. Throws PathError for a remote path that names no valid server. */
export function parsePath(text: string): RemotePath | LocalPath {
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (colon < 0 || (slash >= 0 && slash < colon)) return { kind: 'local', path: text };
  const server = text.slice(0, colon);
  if (server !== '' && !SERVER_NAME.test(server))
    throw new PathError(`'${server}' is not a server name (letters, digits, '.', '_' and '-')`);
  const rest = text.slice(colon + 1).replace(/^\/+/, '');
  const firstSlash = rest.indexOf('/');
  const project = firstSlash < 0 ? rest : rest.slice(0, firstSlash);
  const inner = firstSlash < 0 ? '' : rest.slice(firstSlash + 1);
  // A path names what it says: no step up or in place (`..` would reach past the project in the request's URL).
  if ([project, ...inner.split('/')].some((s) => s === '.' || s === '..'))
    throw new PathError(`'${text}' has a '.' or '..' segment: name the path without them`);
  return {
    kind: 'remote',
    server: server === '' ? undefined : server,
    project,
    path: inner.replace(/\/+$/, ''),
    dirHint: rest.endsWith('/') || inner === '',
    text,
  };
}

/** A remote path, or PathError naming what the command wanted. */
export function remote(
  text: string,
  what = 'a remote path (SERVER:PROJECT/PATH or :PROJECT/PATH)',
): RemotePath {
  const p = parsePath(text);
  if (p.kind !== 'remote') throw new PathError(`'${text}' is not ${what}`);
  return p;
}

/** A remote path that names a project (and maybe a path in it). */
export function inProject(text: string): RemotePath {
  const p = remote(text);
  if (p.project === '') throw new PathError(`'${text}' names no project (SERVER:PROJECT/PATH)`);
  return p;
}

/** The remote path's last name: the name a copy or download takes by default. */
export const baseName = (p: RemotePath) => p.path.slice(p.path.lastIndexOf('/') + 1) || p.project;

/** Joins path pieces with single slashes, dropping empty ones. */
export const joinPath = (...parts: string[]) =>
  parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');

/** The text of a remote path for output: `SERVER:PROJECT/PATH`. */
export const show = (server: string | undefined, project: string, path: string) =>
  `${server ?? ''}:${joinPath(project, path)}`;
