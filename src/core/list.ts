// Listing by prefix and delimiter with a key cursor: a page never repeats or skips a key that exists throughout.
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Checksums, Principal } from './model.ts';
import { commonPrefixOf, prefixEnd, resumeAfter } from './paths.ts';
import { requireProject } from './permissions.ts';
import { snapshotAt } from './snapshot-rows.ts';

export interface ListInput {
  project: string;
  prefix?: string;
  delimiter?: string;
  /** List keys strictly after this one. */
  after?: string;
  limit?: number;
  snapshot?: string;
}

export interface ListEntry {
  id: string;
  path: string;
  size: number;
  etag: string;
  versionId: string;
  modifiedAt: number;
  contentType: string | null;
  checksums: Checksums;
}

/** What a key listing (S3's) shows of a file: no ids or content type, and of its checksums whether it has a CRC. */
export interface KeyEntry {
  path: string;
  size: number;
  etag: string;
  modifiedAt: number;
  /** Whether a CRC-64/NVME of the whole object is stored (S3 lists its checksum algorithm). */
  crc64: boolean;
}

export interface ListPage<E = ListEntry> {
  entries: E[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or prefix returned: pass it as `after` for the next page. */
  next: string | null;
}

/** The columns a listing selects (files `f`, versions `v`) and how a row becomes an entry. */
interface Shape<E> {
  columns: string;
  entry(row: Record<string, unknown> & { path: string }): E;
}

const FULL: Shape<ListEntry> = {
  columns: 'f.id, f.path, v.size, v.etag, v.version_id, v.modified_at, v.content_type, v.checksums',
  entry: (r) => ({
    id: r['id'] as string,
    path: r.path,
    size: r['size'] as number,
    etag: r['etag'] as string,
    versionId: r['version_id'] as string,
    modifiedAt: r['modified_at'] as number,
    contentType: r['content_type'] as string | null,
    checksums: JSON.parse(r['checksums'] as string) as Checksums,
  }),
};

// The checksums are a JSON object whose keys are algorithm names: the test needs no parse.
const KEYS: Shape<KeyEntry> = {
  columns: `f.path, v.size, v.etag, v.modified_at, v.checksums LIKE '%"crc64nvme"%' AS crc64`,
  entry: (r) => ({
    path: r.path,
    size: r['size'] as number,
    etag: r['etag'] as string,
    modifiedAt: r['modified_at'] as number,
    crc64: Boolean(r['crc64']),
  }),
};

export const MAX_LIST_LIMIT = 1000;

/** A page of files with their attributes. */
export function listFiles(deps: CoreDeps, principal: Principal, input: ListInput): Promise<ListPage> {
  return listPage(deps, principal, input, FULL);
}

/** A page of keys with what an S3 listing shows of them: less to read and to build than `listFiles`. */
export function listObjectKeys(
  deps: CoreDeps,
  principal: Principal,
  input: ListInput,
): Promise<ListPage<KeyEntry>> {
  return listPage(deps, principal, input, KEYS);
}

async function listPage<E>(
  deps: CoreDeps,
  principal: Principal,
  input: ListInput,
  shape: Shape<E>,
): Promise<ListPage<E>> {
  const limit = input.limit ?? MAX_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StorageError('InvalidArgument', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}.`);
  }
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter ?? '';
  return deps.meta.tx(
    async (tx) => {
      const project = await requireProject(tx, { principal, need: 'list' }, input.project);
      const snap =
        input.snapshot !== undefined ? await snapshotAt(tx, project.id, input.snapshot) : undefined;
      if (snap?.otherProject)
        throw new StorageError('NoSuchSnapshot', `The snapshot '${input.snapshot}' does not exist.`, {
          resource: input.snapshot,
        });
      const seq = snap?.seq;
      const visible =
        seq === undefined
          ? 'JOIN versions v ON v.id = f.current_version_id'
          : 'JOIN versions v ON v.file_id = f.id AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)';
      const seqParams = seq === undefined ? [] : [seq, seq];
      const entries: E[] = [];
      const prefixes: string[] = [];
      let cursor =
        input.after !== undefined && input.after >= prefix
          ? resumeAfter(input.after, prefix, delimiter)
          : undefined;
      // The keys under the prefix, and under the directory a snapshot of one shows.
      let lo = prefix;
      if (snap?.dir) {
        const under = `${snap.dir}/`;
        if (under.startsWith(prefix)) lo = under;
        else if (!prefix.startsWith(under)) return { entries, prefixes, truncated: false, next: null };
      }
      const hi = prefixEnd(lo);
      for (;;) {
        const want = limit - entries.length - prefixes.length + 1;
        const rows = await tx.all<Record<string, unknown> & { path: string }>(
          `SELECT ${shape.columns}
           FROM files f ${visible}
           WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0 AND f.path >= ? AND f.path < ?
             ${cursor !== undefined ? 'AND f.path > ?' : ''}
           ORDER BY f.path LIMIT ?`,
          [...seqParams, project.id, lo, hi, ...(cursor !== undefined ? [cursor] : []), want],
        );
        let jumped = false;
        for (const r of rows) {
          if (entries.length + prefixes.length === limit) {
            return { entries, prefixes, truncated: true, next: cursor ?? null };
          }
          const cp = commonPrefixOf(r.path, prefix, delimiter);
          if (cp !== undefined) {
            prefixes.push(cp);
            // Skip every other key under this common prefix in one step.
            cursor = prefixEnd(cp);
            jumped = true;
            break;
          }
          entries.push(shape.entry(r));
          cursor = r.path;
        }
        if (!jumped && rows.length < want) return { entries, prefixes, truncated: false, next: null };
        if (jumped && entries.length + prefixes.length === limit) {
          // One more look decides whether anything follows the last prefix.
          const more = await tx.get(
            `SELECT f.id FROM files f ${visible} WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0
               AND f.path > ? AND f.path < ? LIMIT 1`,
            [...seqParams, project.id, cursor!, hi],
          );
          return {
            entries,
            prefixes,
            truncated: more !== undefined,
            next: more ? prefixes[prefixes.length - 1]! : null,
          };
        }
      }
    },
    { readOnly: true },
  );
}
