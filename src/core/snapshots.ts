// Snapshots: a consistent sequence number that keeps every version it sees until the snapshot is deleted.
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import type { Principal } from './model.ts';
import { requireProject } from './permissions.ts';

export interface Snapshot {
  id: string;
  project: string;
  name: string;
  seq: number;
  createdAt: number;
}

/**
 * Takes a snapshot of a project. The sequence comes from `snapshotSeq`, so every write that committed before
 * it is in the snapshot and every later one is not.
 */
export async function createSnapshot(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; name?: string; hidden?: boolean },
): Promise<Snapshot> {
  const project = await deps.meta.tx(
    (tx) => requireProject(tx, { principal, need: 'write' }, input.project),
    { readOnly: true },
  );
  const seq = await deps.meta.snapshotSeq();
  const id = newId('s');
  const now = nowOf(deps);
  const name = input.name ?? `snapshot-${seq}`;
  await deps.meta.tx(async (tx) => {
    await requireProject(tx, { principal, need: 'write' }, input.project);
    await tx.run(
      'INSERT INTO snapshots (id, project_id, name, seq, hidden, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [id, project.id, name, seq, input.hidden ? 1 : 0, now],
    );
  });
  return { id, project: project.name, name, seq, createdAt: now };
}

export function listSnapshots(deps: CoreDeps, principal: Principal, project: string): Promise<Snapshot[]> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'read' }, project);
      const rows = await tx.all<{ id: string; name: string; seq: number; created_at: number }>(
        'SELECT id, name, seq, created_at FROM snapshots WHERE project_id = ? AND hidden = 0 ORDER BY seq',
        [p.id],
      );
      return rows.map((r) => ({
        id: r.id,
        project: p.name,
        name: r.name,
        seq: r.seq,
        createdAt: r.created_at,
      }));
    },
    { readOnly: true },
  );
}

/** Deletes a snapshot and purges the versions only it kept. Their blocks go later, by GC. */
export function deleteSnapshot(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; id: string },
): Promise<void> {
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'write' }, input.project);
    const snap = await tx.get<{ seq: number }>('SELECT seq FROM snapshots WHERE id = ? AND project_id = ?', [
      input.id,
      p.id,
    ]);
    if (!snap) throw new StorageError('NoSuchSnapshot', undefined, { resource: input.id });
    await tx.run('DELETE FROM snapshots WHERE id = ?', [input.id]);
    await purgeUnneededVersions(tx, p.id);
  });
}

/**
 * Purges every unlisted, superseded version of a project that no remaining snapshot sees. Two partial indexes
 * (migration 10) hold just the candidates, so the cost grows with them, not with the project.
 */
export async function purgeUnneededVersions(
  tx: import('../meta/meta-store.ts').Tx,
  projectId: string,
): Promise<void> {
  await tx.run(
    `DELETE FROM versions WHERE listed = 0 AND superseded_seq IS NOT NULL
       AND EXISTS (SELECT 1 FROM files f WHERE f.id = versions.file_id AND f.project_id = ?)
       AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE (s.project_id IS NULL OR s.project_id = ?)
         AND s.seq >= versions.created_seq AND s.seq < versions.superseded_seq)`,
    [projectId, projectId],
  );
  await tx.run(
    `DELETE FROM files WHERE project_id = ? AND type = 'file' AND current_version_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.file_id = files.id)`,
    [projectId],
  );
}
