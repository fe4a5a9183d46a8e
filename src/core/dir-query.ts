// A directory's children found by what they are (names, tags, properties) and paged by offset with a total: how
// the file dialects that page by number list a folder. Each entry carries its current version's labels.
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { dirPath, findDir, missingDir } from './dirs.ts';
import { ENTRY_COLUMNS, type Entry, type EntryRow, NOT_EXPIRED, toEntry } from './entries.ts';
import { StorageError } from './errors.ts';
import type { Principal } from './model.ts';
import { allows, requireProject } from './permissions.ts';

/** An entry with its current version's tags and properties (empty for a directory). */
export interface LabelledEntry extends Entry {
  tags: Record<string, string>;
  properties: Record<string, string>;
}

export interface ChildQuery {
  project: string;
  /** The directory, '' for the project's top level. */
  path: string;
  /** Any of these names. */
  names?: string[];
  /** Any of these tag keys (a field given several times is an OR of them). */
  tags?: string[];
  /** Every one of these properties, each with any of its values (an AND across keys, an OR within one). */
  properties?: Record<string, string[]>;
  /** Leave out names that start with '.': a file system's hidden entries. */
  hideDotNames?: boolean;
  /** Files only, no directories: counted and paged as such. */
  filesOnly?: boolean;
  offset: number;
  limit: number;
}

/** At most this many children are examined for a query that filters by labels. */
export const MAX_FILTERED_CHILDREN = 200_000;

/**
 * The children of a directory that match, by name (a directory before a file of the same name), from `offset`,
 * at most `limit`, and how many match in all. Throws NoSuchProject, AccessDenied, NoSuchDirectory, NotADirectory,
 * and InvalidArgument when a label filter would have to examine more than MAX_FILTERED_CHILDREN children.
 */
export async function queryChildren(
  deps: CoreDeps,
  principal: Principal,
  q: ChildQuery,
): Promise<{ entries: LabelledEntry[]; total: number }> {
  const path = dirPath(q.path);
  return deps.meta.tx(
    async (tx) => {
      const project = await requireProject(tx, { principal, need: 'list' }, q.project);
      // Labels are part of what a file holds: a principal who may list but not read sees none, nor filters by them.
      const reads = await allows(tx, { principal, need: 'read' }, project);
      if (path !== '' && !(await findDir(tx, project.id, path))) throw await missingDir(tx, project.id, path);
      const names = q.names ?? [];
      const where = `f.project_id = ? AND f.parent = ? AND f.hidden = 0 AND f.name <> ''
        AND (f.type = 'directory' OR (v.id IS NOT NULL AND v.delete_marker = 0 AND ${NOT_EXPIRED}))
        ${names.length ? `AND f.name IN (${names.map(() => '?').join(', ')})` : ''}
        ${q.hideDotNames ? "AND substr(f.name, 1, 1) <> '.'" : ''}
        ${q.filesOnly ? "AND f.type = 'file'" : ''}`;
      const params = [project.id, path, nowOf(deps), ...names];
      const from = `FROM files f JOIN projects p ON p.id = f.project_id
        LEFT JOIN versions v ON v.id = f.current_version_id WHERE ${where}`;
      const select = `SELECT ${ENTRY_COLUMNS}, v.tags AS v_tags, v.properties AS v_properties ${from}
        ORDER BY f.name, f.type`;
      const labelled = (
        r: EntryRow & { v_tags: string | null; v_properties: string | null },
      ): LabelledEntry => ({
        ...toEntry(r),
        tags: reads && r.v_tags ? JSON.parse(r.v_tags) : {},
        properties: reads && r.v_properties ? JSON.parse(r.v_properties) : {},
      });
      const filtered = (q.tags?.length ?? 0) > 0 || Object.keys(q.properties ?? {}).length > 0;
      if (filtered && !reads)
        throw new StorageError(
          'AccessDenied',
          `Filtering by tags or metadata needs the 'read' role on '${q.project}'.`,
        );
      if (!filtered) {
        const count = await tx.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, params);
        const rows = await tx.all<EntryRow & { v_tags: string | null; v_properties: string | null }>(
          `${select} LIMIT ? OFFSET ?`,
          [...params, q.limit, q.offset],
        );
        return { entries: rows.map(labelled), total: Number(count?.n ?? 0) };
      }
      const rows = await tx.all<EntryRow & { v_tags: string | null; v_properties: string | null }>(
        `${select} LIMIT ?`,
        [...params, MAX_FILTERED_CHILDREN + 1],
      );
      if (rows.length > MAX_FILTERED_CHILDREN)
        throw new StorageError(
          'InvalidArgument',
          `The folder has more than ${MAX_FILTERED_CHILDREN} children: filter by name, or list it without tags or metadata.`,
        );
      const matching = rows.map(labelled).filter(
        (e) =>
          // Own keys only: a tag or property named like an Object method (`constructor`) is no wildcard.
          (!q.tags?.length || q.tags.some((t) => Object.hasOwn(e.tags, t))) &&
          Object.entries(q.properties ?? {}).every(
            ([k, values]) => Object.hasOwn(e.properties, k) && values.includes(e.properties[k]!),
          ),
      );
      return { entries: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
    },
    { readOnly: true },
  );
}
