// A project's tags (S3 bucket tagging): a set of key-value pairs on the project, or none.
import type { CoreDeps } from './deps.ts';
import { checkProjectTags } from './labels.ts';
import type { Principal } from './model.ts';
import { requireProject } from './permissions.ts';

/** The project's tags, or null when it has no tag set. Reading them takes the read role. */
export function getProjectTags(
  deps: CoreDeps,
  principal: Principal,
  project: string,
): Promise<Record<string, string> | null> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'read' }, project);
      const row = await tx.get<{ tags: string | null }>('SELECT tags FROM projects WHERE id = ?', [p.id]);
      return row?.tags ? (JSON.parse(row.tags) as Record<string, string>) : null;
    },
    { readOnly: true },
  );
}

/** Replaces the project's tags, or with null removes its tag set. Takes the admin role; throws InvalidTag. */
export function setProjectTags(
  deps: CoreDeps,
  principal: Principal,
  project: string,
  tags: Record<string, string> | null,
): Promise<void> {
  checkProjectTags(tags);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'admin' }, project);
    await tx.run('UPDATE projects SET tags = ? WHERE id = ?', [tags ? JSON.stringify(tags) : null, p.id]);
  });
}
