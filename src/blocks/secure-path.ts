// The one audited function that turns a block key into a file-system path below a root.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export const MAX_KEY_BYTES = 255;

/**
 * Maps `key` to a path strictly inside `root`, fanned out by the key's last four characters (the random end of a
 * block id: its start is a time).
 * Throws on an empty key, a NUL byte, a separator, `.` or `..`, an absolute path, or a key longer than 255 bytes.
 */
export function keyToPath(root: string, key: string): string {
  if (key.length === 0) throw new Error('empty key');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new Error('key too long');
  if (key.includes('\0')) throw new Error('NUL byte in key');
  if (key.includes('/') || key.includes('\\')) throw new Error('separator in key');
  if (key === '.' || key === '..') throw new Error('dot segment as key');
  if (isAbsolute(key)) throw new Error('absolute key');
  const base = resolve(root);
  const fan = key.length >= 4 ? join(key.slice(-4, -2), key.slice(-2)) : '_';
  const full = resolve(base, fan, key);
  const rel = relative(base, full);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
    throw new Error('key escapes root');
  return full;
}
