// Projects named the way the file dialects with owners name them (`owner/name`), and the names of their owners.

import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal, Project } from './model.ts';
import { allows, PROJECT_COLUMNS, toProject } from './permissions.ts';

/**
 * The project `name` owned by the user named `owner`, both matched without regard to case, for a principal who may
 * list it. Throws NoSuchProject when there is none, or when the principal may not list it (so that other users'
 * projects cannot be probed).
 */
export function projectOwnedBy(
  deps: CoreDeps,
  principal: Principal,
  input: { owner: string; name: string },
): Promise<Project> {
  // Project names are lower-case (S3's rule): the name's unique index finds it.
  return deps.meta.tx(
    async (tx) => {
      const row = await tx.get<Parameters<typeof toProject>[0]>(
        `SELECT ${PROJECT_COLUMNS.split(',')
          .map((c) => `p.${c.trim()}`)
          .join(', ')} FROM projects p LEFT JOIN principals u ON u.id = p.owner_id
         WHERE p.name = ? AND lower(COALESCE(u.name, p.owner_id)) = ?`,
        [input.name.toLowerCase(), input.owner.toLowerCase()],
      );
      const project = row && toProject(row);
      if (!project || !(await allows(tx, { principal, need: 'list' }, project)))
        throw new StorageError(
          'NoSuchProject',
          `No project '${input.owner}/${input.name}' is visible to you.`,
          {
            resource: `${input.owner}/${input.name}`,
          },
        );
      return project;
    },
    { readOnly: true },
  );
}

/** The names of principals by id (root is `root`); an id with no principal row names itself. */
export function principalNames(deps: CoreDeps, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  return deps.meta.tx(
    async (tx) => {
      const names = new Map(unique.map((id) => [id, id]));
      if (unique.length === 0) return names;
      const rows = await tx.all<{ id: string; name: string }>(
        `SELECT id, name FROM principals WHERE id IN (${unique.map(() => '?').join(', ')})`,
        unique,
      );
      for (const r of rows) names.set(r.id, r.name);
      return names;
    },
    { readOnly: true },
  );
}
