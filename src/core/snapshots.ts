// Snapshots: a consistent sequence number that keeps every version it sees until the snapshot is deleted or
// expires. One is of a project, of a directory's subtree in a project, or of the whole tree (every project).
import type { Tx } from '../meta/meta-store.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { dirPath, findDir, missingDir } from './dirs.ts';
import { StorageError } from './errors.ts';
import { newId } from './ids.ts';
import type { Principal, Project } from './model.ts';
import { allows, getProjectById, requireAdmin, requireProject } from './permissions.ts';
import {
  findSnapshot,
  insertSnapshot,
  SNAPSHOT_SELECT,
  type SnapshotRow,
  UNEXPIRED,
} from './snapshot-rows.ts';

export interface Snapshot {
  id: string;
  /** Unique among snapshots, and how the file dialects name one. */
  number: number;
  /** Its project's name; null for a snapshot of the whole tree. */
  project: string | null;
  /** The directory (a path in its project) whose subtree it shows; null for the whole project or tree. */
  dir: string | null;
  name: string;
  seq: number;
  createdAt: number;
  /** When it goes (ms since the epoch); null: when it is deleted. */
  expiresAt: number | null;
}

function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    id: r.id,
    number: Number(r.number),
    project: r.project_name,
    dir: r.dir_path || null,
    name: r.name,
    seq: Number(r.seq),
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  };
}

const WHOLE_TREE = 'snapshots of the whole tree';

export interface CreateSnapshotInput {
  /** The project; none for the whole tree, which only an administrator or root may snapshot. */
  project?: string;
  /** A directory of the project: the snapshot shows its subtree only ('' is the whole project). */
  dir?: string;
  /** Its name; by default `nameOf` its number, else `snapshot-<seq>`. */
  name?: string;
  /** Names it from its number (Qumulo's `<number>_<suffix>`) when no `name` is given. */
  nameOf?: (number: number) => string;
  /** When it goes (ms since the epoch): later than now. */
  expiresAt?: number;
  hidden?: boolean;
}

/**
 * A name given to a snapshot names one only: a read or a delete by name finds the project's snapshots and the whole
 * tree's, and a name two of them share would be refused there as ambiguous. So a name a live snapshot of the
 * project or of the whole tree holds (for one of the whole tree: of any project) is a Conflict.
 */
async function checkNameFree(tx: Tx, name: string, projectId: string | null, now: number): Promise<void> {
  const where = projectId === null ? '' : ' AND (s.project_id = ? OR s.project_id IS NULL)';
  const taken = await tx.get(
    `SELECT s.id FROM snapshots s WHERE s.name = ? AND s.hidden = 0 AND ${UNEXPIRED}${where} LIMIT 1`,
    projectId === null ? [name, now] : [name, now, projectId],
  );
  if (taken)
    throw new StorageError(
      'Conflict',
      `A snapshot named '${name}' exists already: remove it, or name this one otherwise.`,
      {
        resource: name,
      },
    );
}

/**
 * Takes a snapshot. The sequence comes from `snapshotSeq`, so every write that committed before it is in the
 * snapshot and every later one is not. Needs the write role on the project, or to be an administrator or root for
 * the whole tree (AccessDenied otherwise). Throws NoSuchDirectory (NotADirectory for a file) when `dir` is no
 * directory of the project, and InvalidArgument for an `expiresAt` that is not in the future.
 *
 * A directory's snapshot keeps the versions of its whole project from being purged, as a project's does: purges
 * stay one rule (a version goes when no snapshot of its project sees it), and only reads are scoped to the subtree.
 */
export async function createSnapshot(
  deps: CoreDeps,
  principal: Principal,
  input: CreateSnapshotInput,
): Promise<Snapshot> {
  if (input.project === undefined) {
    requireAdmin(principal, WHOLE_TREE);
    if (input.dir !== undefined && input.dir !== '')
      throw new StorageError('InvalidArgument', "A directory's snapshot names the directory's project.");
  }
  const now = nowOf(deps);
  if (input.expiresAt !== undefined && !(Number.isSafeInteger(input.expiresAt) && input.expiresAt > now))
    throw new StorageError('InvalidArgument', 'A snapshot can only expire in the future.');
  const dir = input.dir === undefined ? '' : dirPath(input.dir);
  const scope = (tx: Tx) => snapshotScope(tx, principal, input.project, dir);
  await deps.meta.tx(scope, { readOnly: true });
  await sweepExpiredSnapshots(deps);
  const seq = await deps.meta.snapshotSeq();
  const id = newId('s');
  return deps.meta.tx(async (tx) => {
    // Checked again where it counts: the role or the directory may have gone meanwhile.
    const project = await scope(tx);
    if (input.name !== undefined && !input.hidden)
      await checkNameFree(tx, input.name, project?.id ?? null, now);
    const made = await insertSnapshot(tx, {
      id,
      projectId: project?.id ?? null,
      name: input.name ?? ((n) => input.nameOf?.(n) ?? `snapshot-${seq}`),
      seq,
      dir: dir || null,
      expiresAt: input.expiresAt ?? null,
      hidden: input.hidden ?? false,
      now,
    });
    return {
      id,
      ...made,
      project: project?.name ?? null,
      dir: dir || null,
      seq,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
    };
  });
}

/** The project a new snapshot is of (null: the whole tree), checking the role and the directory. */
async function snapshotScope(
  tx: Tx,
  principal: Principal,
  projectName: string | undefined,
  dir: string,
): Promise<Project | null> {
  if (projectName === undefined) return null;
  const project = await requireProject(tx, { principal, need: 'write' }, projectName);
  if (dir !== '' && !(await findDir(tx, project.id, dir))) throw await missingDir(tx, project.id, dir);
  return project;
}

/**
 * Whether the principal may see a snapshot: one of a project needs the read role there, one of the whole tree any
 * signed-in principal. `known` caches the answer by project across calls.
 */
async function maySee(
  tx: Tx,
  principal: Principal,
  row: SnapshotRow,
  known = new Map<string, boolean>(),
): Promise<boolean> {
  if (row.hidden) return false;
  if (row.project_id === null) return !principal.isAnonymous;
  let ok = known.get(row.project_id);
  if (ok === undefined) {
    const project = await getProjectById(tx, row.project_id);
    ok = project !== undefined && (await allows(tx, { principal, need: 'read' }, project));
    known.set(row.project_id, ok);
  }
  return ok;
}

/** A snapshot the principal may see, by id or decimal number; NoSuchSnapshot for any other. */
async function visibleSnapshot(tx: Tx, principal: Principal, ref: string, now: number): Promise<SnapshotRow> {
  const row = await findSnapshot(tx, ref, now);
  if (!row || row.hidden || !(await maySee(tx, principal, row)))
    throw new StorageError('NoSuchSnapshot', `The snapshot '${ref}' does not exist.`, { resource: ref });
  return row;
}

/** A snapshot by its id or its decimal number. Throws NoSuchSnapshot when it is not one the principal may see. */
export function getSnapshot(deps: CoreDeps, principal: Principal, ref: string): Promise<Snapshot> {
  return deps.meta.tx(async (tx) => toSnapshot(await visibleSnapshot(tx, principal, ref, nowOf(deps))), {
    readOnly: true,
  });
}

/** Every snapshot the principal may see (of the projects it may read, and of the whole tree), by number. */
export async function listAllSnapshots(deps: CoreDeps, principal: Principal): Promise<Snapshot[]> {
  await sweepExpiredSnapshots(deps);
  return deps.meta.tx(
    async (tx) => {
      const rows = await tx.all<SnapshotRow>(
        `${SNAPSHOT_SELECT} WHERE s.hidden = 0 AND ${UNEXPIRED} ORDER BY s.number`,
        [nowOf(deps)],
      );
      const known = new Map<string, boolean>();
      const out: Snapshot[] = [];
      for (const r of rows) if (await maySee(tx, principal, r, known)) out.push(toSnapshot(r));
      return out;
    },
    { readOnly: true },
  );
}

/** The snapshots of one project (not those of the whole tree), by sequence. Needs the read role. */
export async function listSnapshots(
  deps: CoreDeps,
  principal: Principal,
  project: string,
): Promise<Snapshot[]> {
  await sweepExpiredSnapshots(deps);
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'read' }, project);
      const rows = await tx.all<SnapshotRow>(
        `${SNAPSHOT_SELECT} WHERE s.project_id = ? AND s.hidden = 0 AND ${UNEXPIRED} ORDER BY s.seq`,
        [p.id, nowOf(deps)],
      );
      return rows.map(toSnapshot);
    },
    { readOnly: true },
  );
}

/**
 * Deletes a snapshot of a project, named by its id, number or name, and purges the versions only it kept. Their blocks
 * go later, by GC. Needs the write role; NoSuchSnapshot when the project has no such snapshot.
 */
export function deleteSnapshot(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; id: string },
): Promise<void> {
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'write' }, input.project);
    const snap = await findSnapshot(tx, input.id, nowOf(deps), p.id);
    if (snap?.project_id !== p.id)
      throw new StorageError('NoSuchSnapshot', undefined, { resource: input.id });
    await removeSnapshots(tx, [snap]);
  });
}

/** What a condition on a snapshot is checked against: its id as its tag, its creation as its modification. */
const snapshotSubject = (s: { id: string; created_at: number }) => ({
  etag: s.id,
  rowId: s.id,
  modifiedAt: Number(s.created_at),
});

/** The tag a snapshot's conditions (If-Match) name it by. */
export const snapshotTag = (s: Snapshot): string => s.id;

/**
 * Deletes a snapshot by its id or number, and purges the versions only it kept (in every project, for one of the
 * whole tree), once its conditions hold (If-Match by snapshotTag: 412 otherwise). Needs the write role on its
 * project, or to be an administrator or root for one of the whole tree: AccessDenied for a principal who may see it
 * but not delete it, NoSuchSnapshot for any other.
 */
export function deleteSnapshotByRef(
  deps: CoreDeps,
  principal: Principal,
  ref: string,
  conditions?: Conditions,
): Promise<void> {
  return deps.meta.tx(async (tx) => {
    const snap = await visibleSnapshot(tx, principal, ref, nowOf(deps));
    if (snap.project_name === null) requireAdmin(principal, WHOLE_TREE);
    else await requireProject(tx, { principal, need: 'write' }, snap.project_name);
    // A snapshot never changes: its tag is its id, which a snapshot made later under the same number does not share.
    checkConditions(conditions, snapshotSubject(snap), { safe: false, resource: ref });
    await removeSnapshots(tx, [snap]);
  });
}

/** Deletes snapshots and purges what only they kept, in their projects or, for one of the whole tree, in all. */
async function removeSnapshots(tx: Tx, snaps: Pick<SnapshotRow, 'id' | 'project_id'>[]): Promise<void> {
  for (const s of snaps) await tx.run('DELETE FROM snapshots WHERE id = ?', [s.id]);
  const projects = snaps.some((s) => s.project_id === null)
    ? (await tx.all<{ id: string }>('SELECT id FROM projects')).map((p) => p.id)
    : new Set(snaps.map((s) => s.project_id!));
  for (const id of projects) await purgeUnneededVersions(tx, id);
}

/**
 * Deletes every snapshot past its expiry, with what only it kept. Expired snapshots already read as gone; this
 * runs whenever snapshots are taken or listed, and writes only when one has expired.
 */
async function sweepExpiredSnapshots(deps: CoreDeps): Promise<void> {
  const now = nowOf(deps);
  const due = (tx: Tx) =>
    tx.all<{ id: string; project_id: string | null }>(
      'SELECT id, project_id FROM snapshots WHERE expires_at IS NOT NULL AND expires_at <= ?',
      [now],
    );
  if ((await deps.meta.tx(due, { readOnly: true })).length === 0) return;
  await deps.meta.tx(async (tx) => removeSnapshots(tx, await due(tx)));
}

/**
 * Purges every unlisted, superseded version of a project that no remaining snapshot sees. Two partial indexes
 * (migration 10) hold just the candidates, so the cost grows with them, not with the project.
 */
export async function purgeUnneededVersions(tx: Tx, projectId: string): Promise<void> {
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
