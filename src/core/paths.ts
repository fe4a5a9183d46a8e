// Validation of file paths, stream names and project names. Paths are relative, '/'-separated, with no empty, '.' or '..' segment.
import { StorageError } from './errors.ts';

export const MAX_PATH_BYTES = 1024;

/**
 * Returns the path unchanged when it is valid, else throws InvalidPath or KeyTooLong.
 * A trailing '/' is allowed: as a prefix it names a directory tree, and as a file it is a folder marker, the empty
 * object that S3 consoles and Hadoop's S3A make for a folder (`logs/`). Control characters below U+0020 are not.
 */
export function validatePath(path: string): string {
  if (typeof path !== 'string' || path.length === 0)
    throw new StorageError('InvalidPath', 'The path is empty.');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    throw new StorageError('KeyTooLong', `The path is longer than ${MAX_PATH_BYTES} bytes.`, {
      resource: path.slice(0, 64),
    });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw new StorageError('InvalidPath', 'The path contains a control character or NUL byte.');
  }
  if (path.startsWith('/'))
    throw new StorageError('InvalidPath', 'The path must be relative (no leading /).');
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  for (const seg of body.split('/')) {
    if (seg === '')
      throw new StorageError('InvalidPath', 'The path has an empty segment.', { resource: path });
    if (seg === '.' || seg === '..') {
      throw new StorageError('InvalidPath', `The path has a '${seg}' segment.`, { resource: path });
    }
  }
  if (!isWellFormedUnicode(path)) throw new StorageError('InvalidPath', 'The path is not valid Unicode.');
  return path;
}

function isWellFormedUnicode(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

export const MAX_STREAM_NAME_BYTES = 255;

/**
 * Returns a named stream's name unchanged when it is valid, else throws InvalidArgument: 1 to 255 bytes of UTF-8,
 * no '/' and no NUL, and not a name every JavaScript object has (`constructor`, `toString`, `__proto__`...). '' is
 * the default stream, which no named stream may be called.
 */
export function validateStreamName(name: string): string {
  if (typeof name !== 'string' || name.length === 0)
    throw new StorageError('InvalidArgument', 'The stream name is empty.');
  if (Buffer.byteLength(name, 'utf8') > MAX_STREAM_NAME_BYTES)
    throw new StorageError(
      'InvalidArgument',
      `The stream name is longer than ${MAX_STREAM_NAME_BYTES} bytes.`,
      {
        resource: name.slice(0, 64),
      },
    );
  if (name.includes('/') || name.includes('\0'))
    throw new StorageError('InvalidArgument', "The stream name holds a '/' or a NUL.");
  // A stream's name goes into its URLs as a path segment, where every client's URL normalisation removes `.` and
  // `..`: a request meant for the stream would reach the file (or its directory) instead.
  if (name === '.' || name === '..')
    throw new StorageError('InvalidPath', `'${name}' is not a valid stream name.`, { resource: name });
  if (!isWellFormedUnicode(name))
    throw new StorageError('InvalidArgument', 'The stream name is not valid Unicode.');
  // A version's streams are an object keyed by name: a name every object already has would alias one of its members.
  if (name in Object.prototype)
    throw new StorageError('InvalidArgument', `'${name}' is reserved and cannot name a stream.`);
  return name;
}

/** Prefixes and suffixes S3 reserves (access point aliases, Multi-Region Access Points, directory buckets...). */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Project names follow S3's general purpose bucket naming rules: 3 to 63 of a-z 0-9 . -, starting and ending with
 * a letter or digit, no `..`, `.-` or `-.` (every dot-separated label starts and ends alphanumeric), not an IPv4
 * address, and none of S3's reserved prefixes and suffixes. Throws InvalidProjectName saying which rule.
 */
export function validateProjectName(name: unknown): string {
  const refuse = (why: string) => {
    throw new StorageError('InvalidProjectName', why, {
      resource: typeof name === 'string' ? name.slice(0, 64) : undefined,
    });
  };
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
    return refuse(
      'Project names are 3 to 63 characters of a-z, 0-9, "." and "-", starting and ending with a letter or digit.',
    );
  if (/\.\.|\.-|-\./.test(name)) return refuse('A project name must not hold "..", ".-" or "-.".');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return refuse('A project name must not look like an IP address.');
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return refuse(`Project names starting with "${prefix}" are reserved.`);
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return refuse(`Project names ending with "${suffix}" are reserved.`);
  return name;
}

/** The smallest string greater than every string that starts with `prefix`, for range scans. */
export function prefixEnd(prefix: string): string {
  return prefix + '\u{10ffff}';
}

/**
 * The common prefix a listing by `prefix` and `delimiter` rolls `path` up into: `prefix`, then `path` up to and
 * including the first `delimiter` after it; undefined when `path` is listed as itself (no delimiter, or none after the
 * prefix). `path` starts with `prefix`.
 */
export function commonPrefixOf(path: string, prefix: string, delimiter: string): string | undefined {
  if (!delimiter) return undefined;
  const cut = path.indexOf(delimiter, prefix.length);
  return cut < 0 ? undefined : path.slice(0, cut + delimiter.length);
}

/**
 * Where a listing by `prefix` and `delimiter` goes on after `cursor` (the last key or common prefix of the page
 * before): a cursor under a common prefix means that whole prefix was listed, so it goes on after all of it.
 */
export function resumeAfter(cursor: string, prefix: string, delimiter: string): string {
  if (!cursor.startsWith(prefix)) return cursor;
  const cp = commonPrefixOf(cursor, prefix, delimiter);
  return cp === undefined ? cursor : prefixEnd(cp);
}

/**
 * The path of the entry `name` in the directory `dir` ('' for a project's top level): what the file dialects do
 * with a folder and a name. Throws InvalidArgument for a name that is not a string, InvalidPath for one that is not
 * a name (empty, `.`, `..`, or holding `/` or NUL).
 */
export function childPath(dir: string, name: unknown): string {
  if (typeof name !== 'string') throw new StorageError('InvalidArgument', 'A name is a string.');
  if (name === '' || name === '.' || name === '..' || /[/\0]/.test(name))
    throw new StorageError('InvalidPath', `'${String(name).slice(0, 256)}' is not a valid name.`);
  const path = dir === '' ? name : `${dir}/${name}`;
  validatePath(path);
  return path;
}
