// Project usage: logical bytes (what clients see), physical bytes (blocks referenced) and bytes shared with other files.
import type { CoreDeps } from './deps.ts';
import type { Principal } from './model.ts';
import { requireProject } from './permissions.ts';

export interface Usage {
  project: string;
  files: number;
  versions: number;
  /** Sum of the sizes of every kept version (current, noncurrent and snapshot-held). */
  logicalBytes: number;
  /** Bytes of the distinct blocks those versions reference. */
  physicalBytes: number;
  /** Of physicalBytes, the bytes in blocks that another file (in any project) also references. */
  sharedBytes: number;
}

export function projectUsage(deps: CoreDeps, principal: Principal, project: string): Promise<Usage> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'read' }, project);
      const logical = await tx.get<{ files: number; versions: number; bytes: number | null }>(
        `SELECT COUNT(DISTINCT f.id) AS files, COUNT(v.id) AS versions, SUM(v.size) AS bytes
         FROM files f JOIN versions v ON v.file_id = f.id WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0`,
        [p.id],
      );
      // A block is referenced through a row of streams, or through a version's row (its default stream).
      const refs = `SELECT e.block_id, v.file_id FROM extents e
          JOIN streams s ON s.manifest_id = e.manifest_id JOIN versions v ON v.id = s.version_id
        UNION
        SELECT e.block_id, v.file_id FROM extents e JOIN versions v ON v.manifest_id = e.manifest_id`;
      const physical = await tx.get<{ bytes: number | null; shared: number | null }>(
        `WITH refs AS (${refs}),
              mine AS (SELECT DISTINCT r.block_id FROM refs r JOIN files f ON f.id = r.file_id WHERE f.project_id = ?),
              counts AS (SELECT r.block_id, COUNT(*) AS n FROM refs r WHERE r.block_id IN (SELECT block_id FROM mine) GROUP BY r.block_id)
         SELECT SUM(b.size) AS bytes, SUM(CASE WHEN c.n > 1 THEN b.size ELSE 0 END) AS shared
         FROM mine JOIN blocks b ON b.id = mine.block_id JOIN counts c ON c.block_id = mine.block_id`,
        [p.id],
      );
      return {
        project: p.name,
        files: Number(logical?.files ?? 0),
        versions: Number(logical?.versions ?? 0),
        logicalBytes: Number(logical?.bytes ?? 0),
        physicalBytes: Number(physical?.bytes ?? 0),
        sharedBytes: Number(physical?.shared ?? 0),
      };
    },
    { readOnly: true },
  );
}
