// Multipart uploads in progress, listed as S3 lists them: by key then start time (an upload's id begins with its
// start; the order is the ids', so that an upload id marker resumes exactly), after a key (and upload id) marker, and
// with a delimiter rolled up into common prefixes, as object listings are (the rule is `paths.ts`'s).
import type { CoreDeps } from './deps.ts';
import type { Principal } from './model.ts';
import { toUpload, type UploadInfo, type UploadRow } from './multipart.ts';
import { commonPrefixOf, prefixEnd, resumeAfter } from './paths.ts';
import { requireProject } from './permissions.ts';

export interface UploadPage {
  uploads: UploadInfo[];
  /** The common prefixes, in key order among the uploads; with the uploads, at most `limit` of them. */
  prefixes: string[];
  truncated: boolean;
  /** Where the next page starts when truncated: the last upload's key and id, or the last common prefix. */
  next: { key: string; id?: string } | null;
}

/**
 * Uploads in progress under `prefix`, after `afterKey` (and `afterId` among that key's uploads; without it, after all
 * of them). With a `delimiter`, the uploads of keys that hold it after the prefix are one common prefix each, counted
 * toward `limit` as S3 counts them, and a marker under a common prefix goes on after all of it.
 */
export async function listUploads(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    prefix?: string;
    delimiter?: string;
    afterKey?: string;
    afterId?: string;
    limit?: number;
  },
): Promise<UploadPage> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'list' }, input.project);
      const limit = input.limit ?? 1000;
      const prefix = input.prefix ?? '';
      const delimiter = input.delimiter ?? '';
      let key = input.afterKey === undefined ? '' : resumeAfter(input.afterKey, prefix, delimiter);
      // No id: after every upload of the marker's key.
      let id = input.afterKey === undefined ? '' : (input.afterId ?? '\u{10ffff}');
      const page: UploadPage = { uploads: [], prefixes: [], truncated: false, next: null };
      const taken = () => page.uploads.length + page.prefixes.length;
      for (;;) {
        const want = limit - taken() + 1;
        const rows = await tx.all<UploadRow>(
          `SELECT * FROM uploads WHERE project_id = ? AND path >= ? AND path < ? AND (path > ? OR (path = ? AND id > ?))
           ORDER BY path, id LIMIT ?`,
          [p.id, prefix, prefixEnd(prefix), key, key, id, want],
        );
        let jumped = false;
        for (const u of rows) {
          if (taken() === limit) {
            page.truncated = true;
            return page;
          }
          const cp = commonPrefixOf(u.path, prefix, delimiter);
          if (cp !== undefined) {
            page.prefixes.push(cp);
            page.next = { key: cp };
            // Every other upload under this common prefix is skipped in one step.
            key = prefixEnd(cp);
            id = '';
            jumped = true;
            break;
          }
          page.uploads.push(toUpload(u, p.name));
          page.next = { key: u.path, id: u.id };
          key = u.path;
          id = u.id;
        }
        if (!jumped && rows.length < want) {
          page.next = null;
          return page;
        }
        if (jumped && taken() === limit) {
          // One more look decides whether anything follows the last prefix.
          const more = await tx.get(
            'SELECT id FROM uploads WHERE project_id = ? AND path > ? AND path < ? LIMIT 1',
            [p.id, key, prefixEnd(prefix)],
          );
          page.truncated = more !== undefined;
          if (!page.truncated) page.next = null;
          return page;
        }
      }
    },
    { readOnly: true },
  );
}
