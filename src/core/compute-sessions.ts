// SAS Compute sessions: a principal's named place in the file tree (its working directory), kept in the MetaStore so
// that any node serves it. Only its owner sees a session; it ends when deleted or after an hour unused.
import { randomUUID } from 'node:crypto';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal } from './model.ts';

/** A session that goes unused this long ends. */
export const SESSION_IDLE_SECONDS = 3600;

/** A use this soon after the last one does not push the end back again: reads stay reads. */
const TOUCH_AFTER_MS = 60_000;

export interface ComputeSession {
  /** Letters, digits and '-' only: clients cut it out of hrefs with `[A-Za-z0-9-]*`. */
  id: string;
  principalId: string;
  contextId: string;
  name: string;
  /** The working directory: an absolute path, '/' being the tree whose top level holds the projects. */
  cwd: string;
  createdAt: number;
}

interface SessionRow {
  id: string;
  principal_id: string;
  context_id: string;
  name: string;
  cwd: string;
  created_at: number;
  used_at: number;
  expires_at: number;
}

const toSession = (r: SessionRow): ComputeSession => ({
  id: r.id,
  principalId: r.principal_id,
  contextId: r.context_id,
  name: r.name,
  cwd: r.cwd,
  createdAt: Number(r.created_at),
});

/** Starts a session for `principal`. Sessions that ended unused are removed on the way. */
export async function createComputeSession(
  deps: CoreDeps,
  principal: Principal,
  input: { contextId: string; name: string; cwd: string },
): Promise<ComputeSession> {
  if (!input.cwd.startsWith('/'))
    throw new StorageError('InvalidArgument', 'A working directory is an absolute path.');
  const now = nowOf(deps);
  // The SAS form: a UUID and the session's number within its server process.
  const id = `${randomUUID()}-ses0000`;
  const row: SessionRow = {
    id,
    principal_id: principal.id,
    context_id: input.contextId,
    name: input.name.slice(0, 256),
    cwd: input.cwd,
    created_at: now,
    used_at: now,
    expires_at: now + SESSION_IDLE_SECONDS * 1000,
  };
  await deps.meta.tx(async (tx) => {
    await tx.run('DELETE FROM compute_sessions WHERE expires_at < ?', [now]);
    await tx.run(
      `INSERT INTO compute_sessions (id, principal_id, context_id, name, cwd, created_at, used_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.principal_id,
        row.context_id,
        row.name,
        row.cwd,
        row.created_at,
        row.used_at,
        row.expires_at,
      ],
    );
  });
  return toSession(row);
}

const noSession = (id: string) =>
  new StorageError('NoSuchEntry', `No session has the id '${id.slice(0, 100)}'.`, {
    resource: id.slice(0, 100),
  });

/**
 * The live session `id` of `principal`, its end pushed back by this use. Throws NoSuchEntry for an unknown, ended or
 * malformed id, and for another principal's session, so that ids cannot be probed.
 */
export async function getComputeSession(
  deps: CoreDeps,
  principal: Principal,
  id: string,
): Promise<ComputeSession> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) throw noSession(id);
  const now = nowOf(deps);
  const row = await deps.meta.tx(
    (tx) =>
      tx.get<SessionRow>(
        'SELECT * FROM compute_sessions WHERE id = ? AND principal_id = ? AND expires_at >= ?',
        [id, principal.id, now],
      ),
    { readOnly: true },
  );
  if (!row) throw noSession(id);
  if (now - Number(row.used_at) > TOUCH_AFTER_MS)
    await deps.meta.tx((tx) =>
      tx.run('UPDATE compute_sessions SET used_at = ?, expires_at = ? WHERE id = ?', [
        now,
        now + SESSION_IDLE_SECONDS * 1000,
        id,
      ]),
    );
  return toSession(row);
}

/** Ends the session `id` of `principal`. Throws NoSuchEntry as getComputeSession does. */
export async function deleteComputeSession(deps: CoreDeps, principal: Principal, id: string): Promise<void> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) throw noSession(id);
  const gone = await deps.meta.tx((tx) =>
    tx.run('DELETE FROM compute_sessions WHERE id = ? AND principal_id = ? AND expires_at >= ?', [
      id,
      principal.id,
      nowOf(deps),
    ]),
  );
  if (gone.changes === 0) throw noSession(id);
}
