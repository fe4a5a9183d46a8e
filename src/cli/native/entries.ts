// How listings print: the JSON shapes of the native API's entries, files and versions, and their lines of text.
import { shortTime } from '../output.ts';

/** A child in a directory listing (GET .../dirs/{path}). */
export interface EntryJson {
  id: string;
  type: 'file' | 'directory';
  project: string;
  path: string;
  name: string;
  size: number;
  modifiedAt: string;
  etag?: string | null;
  versionId?: string | null;
  contentType?: string | null;
}

/** A file in a file listing (GET .../files?prefix=). */
export interface FileRow {
  id: string;
  path: string;
  size: number;
  modifiedAt: string;
  etag: string;
  versionId: string;
  contentType: string | null;
  checksums: Record<string, string>;
}

/** A file version (the file JSON of GET /api/v1/files/{id} and the versions listing). */
export interface FileJson extends FileRow {
  project: string;
  isLatest: boolean;
  deleteMarker: boolean;
  lineage: unknown;
  userMetadata: Record<string, string>;
  tags: Record<string, string>;
  createdAt: string;
}

const SIZE = 10;

/** `d` or `-`, the size (in bytes, `-` for a directory), the time, the id and the name: one `ls -l` line. */
export function longLine(e: { type: string; size: number; modifiedAt: string; id: string }, name: string) {
  const dir = e.type === 'directory';
  return [
    dir ? 'd' : '-',
    (dir ? '-' : String(e.size)).padStart(SIZE),
    shortTime(e.modifiedAt),
    e.id,
    name,
  ].join('  ');
}

/** A version: its id, size, time, whether it is the latest or a delete marker, and its path. */
export function versionLine(v: FileJson, name: string) {
  const flag = v.deleteMarker ? 'deleted' : v.isLatest ? 'latest' : '';
  return [v.versionId, String(v.size).padStart(SIZE), shortTime(v.modifiedAt), flag.padEnd(7), name].join(
    '  ',
  );
}

/** The name of a path below `dir` ('' is the project's top). */
export const relative = (path: string, dir: string) => (dir === '' ? path : path.slice(dir.length + 1));
