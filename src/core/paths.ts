// Validation of file paths and project names. Paths are relative, '/'-separated, with no empty, '.' or '..' segment.
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

/** Project names follow the S3 bucket rules: 3-63 of a-z 0-9 . -, starting and ending alphanumeric. */
export function validateProjectName(name: unknown): string {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
    throw new StorageError(
      'InvalidProjectName',
      'Project names are 3 to 63 characters of a-z, 0-9, "." and "-", starting and ending with a letter or digit.',
      { resource: typeof name === 'string' ? name.slice(0, 64) : undefined },
    );
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    throw new StorageError('InvalidProjectName', 'A project name must not look like an IP address.');
  }
  return name;
}

/** The smallest string greater than every string that starts with `prefix`, for range scans. */
export function prefixEnd(prefix: string): string {
  return prefix + '\u{10ffff}';
}
