// Migration 9's rows: a number and a place for every file, and a directory row for every folder a path implies.
import type { Tx } from './meta-store.ts';
import { ancestorsOf, DIR_MODE, dirPathKey, filePlace } from './tree-place.ts';

const PAGE = 1000;

/** Numbers below this are no entry's: the core gives some of them a meaning (the tree's root is 2). */
export const RESERVED_NUMBERS = 1000;

export async function fillDirectories(tx: Tx): Promise<void> {
  const now = Date.now();
  // A new database's sequence starts at 1: move it past the reserved numbers before any entry takes one.
  const [first] = await tx.nextSeqs(1);
  if (first! < RESERVED_NUMBERS) await tx.nextSeqs(RESERVED_NUMBERS - first!);
  const projects = await tx.all<{ id: string }>('SELECT id FROM projects ORDER BY created_at, id');
  const projectNumbers = await tx.nextSeqs(projects.length);
  for (const [i, p] of projects.entries())
    await tx.run('UPDATE projects SET number = ? WHERE id = ?', [projectNumbers[i]!, p.id]);
  // Directories every project needs, by project: their paths, and the project's owner.
  const needed = new Map<string, { owner: string; dirs: Set<string> }>();
  let after = '';
  for (;;) {
    const rows = await tx.all<{ id: string; project_id: string; path: string; owner_id: string }>(
      `SELECT f.id, f.project_id, f.path, p.owner_id FROM files f JOIN projects p ON p.id = f.project_id
       WHERE f.id > ? ORDER BY f.id LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    const numbers = await tx.nextSeqs(rows.length);
    for (const [i, r] of rows.entries()) {
      // A file a tree copy staged under its hidden folder (U+0001, the job's id, '/') gets the place it will have.
      const staged = r.path.startsWith('\u0001');
      const place = filePlace(staged ? await stagedTarget(tx, r.path) : r.path);
      await tx.run('UPDATE files SET number = ?, parent = ?, name = ? WHERE id = ?', [
        numbers[i]!,
        place.parent,
        place.name,
        r.id,
      ]);
      if (staged) continue;
      const project = needed.get(r.project_id) ?? { owner: r.owner_id, dirs: new Set<string>() };
      needed.set(r.project_id, project);
      for (const d of ancestorsOf(place.parent)) project.dirs.add(d);
    }
    after = rows[rows.length - 1]!.id;
  }
  for (const [projectId, { owner, dirs }] of needed) {
    const paths = [...dirs];
    const numbers = await tx.nextSeqs(paths.length);
    for (const [i, path] of paths.entries()) {
      const place = filePlace(path);
      const id = `d${numbers[i]!.toString(16).padStart(32, '0')}`;
      await tx.run(
        `INSERT INTO files (id, project_id, path, type, hidden, current_version_id, created_at, number, parent, name,
           owner_id, mode, modified_at, created_seq)
         VALUES (?, ?, ?, 'directory', 0, NULL, ?, ?, ?, ?, ?, ?, ?, 0)`,
        [id, projectId, dirPathKey(id), now, numbers[i]!, place.parent, place.name, owner, DIR_MODE, now],
      );
    }
  }
}

/** The path a staged file will have when its tree copy commits: the job's target prefix and the rest. */
async function stagedTarget(tx: Tx, path: string): Promise<string> {
  const slash = path.indexOf('/');
  const job = await tx.get<{ spec: string }>('SELECT spec FROM jobs WHERE id = ?', [path.slice(1, slash)]);
  const prefix = job ? (JSON.parse(job.spec) as { targetPrefix?: string }).targetPrefix : undefined;
  return `${prefix ?? ''}${path.slice(slash + 1)}`;
}
