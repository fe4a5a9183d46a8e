// Snapshots at /v3/snapshots/ (and /v2/snapshots/ for older clients): take one of the tree or of a directory, read
// one, list them, delete one. A snapshot's id is a number.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { nowOf } from '../../../core/deps.ts';
import { isStorageError, StorageError } from '../../../core/errors.ts';
import {
  createSnapshot,
  deleteSnapshotByRef,
  getSnapshot,
  listAllSnapshots,
  type Snapshot,
  snapshotTag,
} from '../../../core/snapshots.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import {
  dirOf,
  ifMatchOf,
  quoted,
  ROOT_ID,
  sendEmpty,
  sendJson,
  snapshotRef,
  stringField,
  timeField,
} from '../wire.ts';

type IdParams = { Params: { id: string } };

/**
 * The `expiration-time-to-live` query parameter, as the SDK's `create_snapshot(time_to_live=...)` sends it:
 * `<1-999><months|weeks|days|hours|minutes>` from `now`, as the time it ends; `never` or empty for none (null); absent,
 * undefined.
 */
function timeToLive(request: FastifyRequest, now: number): number | null | undefined {
  const v = (request.query as Record<string, unknown>)['expiration-time-to-live'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new StorageError('InvalidArgument', 'Give expiration-time-to-live once.');
  if (v === '' || v.toLowerCase() === 'never') return null;
  const m = /^([1-9][0-9]{0,2})(months|weeks|days|hours|minutes)$/i.exec(v);
  if (!m)
    throw new StorageError(
      'InvalidArgument',
      'expiration-time-to-live is <1 to 999><months|weeks|days|hours|minutes> (5days, 1hours), or never.',
    );
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit === 'months') {
    const d = new Date(now);
    d.setUTCMonth(d.getUTCMonth() + n);
    return d.getTime();
  }
  const minutes = { weeks: 7 * 24 * 60, days: 24 * 60, hours: 60, minutes: 1 }[unit]!;
  return now + n * minutes * 60_000;
}

export const snapshotRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  /** A snapshot as Qumulo shows it; `sourceIds` maps what it was taken of back to that directory's id. */
  const snapshotJson = (s: Snapshot, sourceId: string) => ({
    id: s.number,
    name: s.name,
    timestamp: new Date(s.createdAt).toISOString(),
    directory_name: s.project === null ? '/' : `/${s.project}/${s.dir ? `${s.dir}/` : ''}`,
    source_file_id: sourceId,
    created_by_policy: false,
    policy_id: null,
    expiration: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
    in_delete: false,
    lock_key: null,
  });

  /** The id of the directory a snapshot is of (the root's is 2), found as any entry is. */
  async function sourceIdOf(request: FastifyRequest, s: Snapshot): Promise<string> {
    if (s.project === null) return ROOT_ID;
    const path = `/${s.project}/${s.dir ? `${s.dir}/` : ''}`;
    try {
      return String((await dirOf(deps, principalOf(request), path)).number);
    } catch (err) {
      // The directory has gone since (or is no longer one): the snapshot still holds it.
      if (
        isStorageError(err) &&
        ['NoSuchKey', 'NoSuchEntry', 'NoSuchDirectory', 'NotADirectory'].includes(err.code)
      )
        return '';
      throw err;
    }
  }

  const create = (v2: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const sourceFileId = stringField(body, 'source_file_id') ?? ROOT_ID;
    let expiresAt = body['expiration'] === '' ? null : (timeField(body, 'expiration') ?? null);
    const ttl = timeToLive(request, nowOf(core));
    if (ttl !== undefined) {
      if (expiresAt !== null)
        throw new StorageError('InvalidArgument', 'Give expiration or expiration-time-to-live, not both.');
      expiresAt = ttl;
    }
    const fullName = v2 ? stringField(body, 'name') : undefined;
    const suffix = stringField(body, 'name_suffix') ?? 'OnDemand';
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(fullName ?? suffix))
      throw new StorageError('InvalidArgument', 'A snapshot name is 1 to 128 letters, digits, _, . or -.');
    const dir = await dirOf(deps, principal, sourceFileId);
    const s = await createSnapshot(core, principal, {
      project: dir.project === '' ? undefined : dir.project,
      dir: dir.path === '' ? undefined : dir.path,
      expiresAt: expiresAt ?? undefined,
      nameOf: (n) => fullName ?? `${n}_${suffix}`,
    });
    return sendJson(reply, snapshotJson(s, String(dir.number)));
  };

  for (const v of ['v2', 'v3'] as const) {
    for (const url of [`/${v}/snapshots/`, `/${v}/snapshots`]) {
      app.post(url, create(v === 'v2'));
      app.get(url, async (request, reply) => {
        const all = await listAllSnapshots(core, principalOf(request));
        const entries = [];
        for (const s of all) entries.push(snapshotJson(s, await sourceIdOf(request, s)));
        return sendJson(reply, { entries, paging: { next: '', prev: '' } });
      });
    }
    app.get<IdParams>(`/${v}/snapshots/:id`, async (request, reply) => {
      const s = await getSnapshot(core, principalOf(request), snapshotRef(request.params.id)!);
      reply.header('etag', quoted(snapshotTag(s)));
      return sendJson(reply, snapshotJson(s, await sourceIdOf(request, s)));
    });
    // If-Match names the snapshot by the ETag its GET sent: one deleted and another made under its number is 412.
    app.delete<IdParams>(`/${v}/snapshots/:id`, async (request, reply) => {
      await deleteSnapshotByRef(core, principalOf(request), snapshotRef(request.params.id)!, {
        ifVersion: ifMatchOf(request),
      });
      return sendEmpty(reply, 202);
    });
  }
};
