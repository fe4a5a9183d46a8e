// Every kept version and delete marker of a project's files in full, paths in order and newest version first, a page
// at a time behind an opaque cursor (the native API's listing; S3's takes its two markers in list-versions.ts).
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { CoreDeps } from './deps.ts';
import { checkLimit, type VersionCursor, versionPage } from './list-versions.ts';
import type { Principal, VersionInfo } from './model.ts';
import { requireProject } from './permissions.ts';
import { getVersionsByRowIds } from './repo/versions.ts';

/**
 * A page of versions (delete markers included) under `prefix`, after the cursor `after` (a page's `next`); `next` is
 * null on the last page. Needs list on the project. Throws InvalidArgument for a malformed cursor or limit.
 */
export async function listVersionHistory(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; prefix?: string; after?: string; limit?: number },
): Promise<{ versions: VersionInfo[]; next: string | null }> {
  const limit = checkLimit(input.limit, 'limit');
  // After a version: its path and sequence number, which stay valid when that version is purged.
  const cursor: VersionCursor = { path: '', seq: null };
  if (input.after !== undefined) {
    const [path, seq] = decodeCursor(input.after, ['string', 'number']);
    Object.assign(cursor, { path, seq });
  }
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'list' }, input.project);
      const { page, rowIds, last } = await versionPage(tx, p.id, {
        prefix: input.prefix ?? '',
        delimiter: '',
        cursor,
        limit,
      });
      const versions = await getVersionsByRowIds(tx, rowIds);
      return { versions, next: page.truncated && last ? encodeCursor([last.path, last.seq!]) : null };
    },
    { readOnly: true },
  );
}
