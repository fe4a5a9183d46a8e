// Listing of every kept version and delete marker: keys in order, newest version first, with key and version markers.
import type { Tx } from '../meta/meta-store.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Checksums, Principal } from './model.ts';
import { commonPrefixOf, prefixEnd, resumeAfter } from './paths.ts';
import { requireProject } from './permissions.ts';

export interface VersionEntry {
  path: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  modifiedAt: number;
  checksums: Checksums;
}

export interface VersionPage {
  versions: VersionEntry[];
  prefixes: string[];
  truncated: boolean;
  nextKeyMarker: string | null;
  nextVersionIdMarker: string | null;
}

interface Row {
  id: string;
  path: string;
  version_id: string;
  current_version_id: string | null;
  delete_marker: number;
  size: number;
  etag: string;
  modified_at: number;
  checksums: string;
  created_seq: number;
}

/** Where a page starts: after key `path`, or after the version with sequence `seq` within that key. */
export interface VersionCursor {
  path: string;
  seq: number | null;
}

export async function listVersions(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    prefix?: string;
    delimiter?: string;
    keyMarker?: string;
    versionIdMarker?: string;
    limit?: number;
  },
): Promise<VersionPage> {
  const limit = checkLimit(input.limit);
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'list' }, input.project);
      const prefix = input.prefix ?? '';
      const delimiter = input.delimiter ?? '';
      // A key marker that is a common prefix (a page ended on it) goes on after all of it, whatever version it names.
      const path = resumeAfter(input.keyMarker ?? '', prefix, delimiter);
      let seq: number | null = null;
      if (input.keyMarker !== undefined && input.versionIdMarker && path === input.keyMarker) {
        const m = await tx.get<{ created_seq: number }>(
          'SELECT v.created_seq FROM versions v JOIN files f ON f.id = v.file_id WHERE f.project_id = ? AND f.path = ? AND v.version_id = ? AND v.listed = 1',
          [p.id, input.keyMarker, input.versionIdMarker],
        );
        if (!m)
          throw new StorageError(
            'InvalidArgument',
            'The version-id-marker does not name a version of key-marker.',
          );
        seq = m.created_seq;
      }
      const page = await versionPage(tx, p.id, { prefix, delimiter, cursor: { path, seq }, limit });
      return page.page;
    },
    { readOnly: true },
  );
}

/** A page size from 1 to 1000 (default 1000), named as the caller's parameter. Throws InvalidArgument. */
export function checkLimit(limit: number | undefined, name = 'max-keys'): number {
  const n = limit ?? 1000;
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new StorageError('InvalidArgument', `${name} must be from 1 to 1000.`);
  return n;
}

/**
 * One page of versions after `cursor`, keys in order and newest version first, with each version's row id; `last` is
 * the cursor after the last version taken (null when the page ends on a common prefix or is empty).
 */
export async function versionPage(
  tx: Tx,
  projectId: string,
  input: { prefix: string; delimiter: string; cursor: VersionCursor; limit: number },
): Promise<{ page: VersionPage; rowIds: string[]; last: VersionCursor | null }> {
  const { prefix, delimiter, limit } = input;
  let { path, seq } = input.cursor;
  const out: VersionPage = {
    versions: [],
    prefixes: [],
    truncated: false,
    nextKeyMarker: null,
    nextVersionIdMarker: null,
  };
  const rowIds: string[] = [];
  let last: VersionCursor | null = null;
  const done = () => ({ page: out, rowIds, last });
  const full = () => out.versions.length + out.prefixes.length >= limit;
  for (;;) {
    const rows = await tx.all<Row>(
      `SELECT v.id, f.path, v.version_id, f.current_version_id, v.delete_marker, v.size, v.etag, v.modified_at, v.checksums, v.created_seq
       FROM versions v JOIN files f ON f.id = v.file_id
       WHERE f.project_id = ? AND f.hidden = 0 AND v.listed = 1 AND f.path >= ? AND f.path < ?
         AND (f.path > ? OR (f.path = ? AND v.created_seq < ?))
       ORDER BY f.path, v.created_seq DESC LIMIT ?`,
      [projectId, prefix, prefixEnd(prefix), path, path, seq ?? -1, limit + 1],
    );
    if (rows.length === 0) return done();
    let jumped = false;
    for (const r of rows) {
      if (full()) {
        out.truncated = true;
        return done();
      }
      const cp = commonPrefixOf(r.path, prefix, delimiter);
      if (cp !== undefined) {
        out.prefixes.push(cp);
        out.nextKeyMarker = cp;
        out.nextVersionIdMarker = null;
        path = prefixEnd(cp);
        seq = null;
        last = null;
        jumped = true;
        break;
      }
      out.versions.push({
        path: r.path,
        versionId: r.version_id,
        isLatest: r.current_version_id === r.id,
        deleteMarker: r.delete_marker === 1,
        size: r.size,
        etag: r.etag,
        modifiedAt: r.modified_at,
        checksums: JSON.parse(r.checksums) as Checksums,
      });
      rowIds.push(r.id);
      out.nextKeyMarker = r.path;
      out.nextVersionIdMarker = r.version_id;
      path = r.path;
      seq = Number(r.created_seq);
      last = { path, seq };
    }
    // Every row fetched was taken: nothing is left. After a jump past a common prefix, look again.
    if (!jumped) return done();
  }
}
