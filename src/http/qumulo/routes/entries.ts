// The tree: create, rename, list and delete entries; their attributes; a tree delete as a job.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { deleteFile } from '../../../core/delete.ts';
import { countKey, listDirectory, listRoot, MAX_DIR_PAGE } from '../../../core/dir-list.ts';
import { makeDirectory, removeDirectory } from '../../../core/dirs.ts';
import { type Entry, getEntry } from '../../../core/entries.ts';
import { setEntryAttributes } from '../../../core/entry-attrs.ts';
import { StorageError } from '../../../core/errors.ts';
import { setFileModified } from '../../../core/file-times.ts';
import { moveEntry } from '../../../core/move.ts';
import { stat } from '../../../core/read.ts';
import { startTreeDelete } from '../../../core/tree-delete.ts';
import { putFile, truncateFile } from '../../../core/write.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { attributeChange, attributesOf, etagOf } from '../attributes.ts';
import {
  checkIfMatch,
  childPath,
  dirOf,
  entryAt,
  entryOf,
  pathOf,
  placeOf,
  queryUint64,
  quoted,
  sendEmpty,
  sendJson,
  snapshotRef,
  stringField,
  writeConditions,
} from '../wire.ts';

type RefParams = { Params: { ref: string }; Querystring: Record<string, string | undefined> };

/** An empty body: a created file has no bytes. */
async function* empty(): AsyncIterable<Uint8Array> {}

export const entryRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  /** The entry's attributes with its ETag header; a directory's child count counted. */
  async function sendEntry(request: FastifyRequest, reply: FastifyReply, e: Entry) {
    let children = 0;
    if (e.type === 'directory') {
      const page = await listChildren(request, e, { limit: 1, after: undefined, snapshot: undefined });
      children = page.count ?? 0;
    }
    reply.header('etag', quoted(etagOf(e)));
    return sendJson(reply, attributesOf(e, children));
  }

  function listChildren(
    request: FastifyRequest,
    dir: Entry,
    page: { limit: number; after: string | undefined; snapshot: string | undefined },
  ) {
    const principal = principalOf(request);
    if (dir.project === '') return listRoot(core, principal, { ...page, counts: true });
    return listDirectory(core, principal, { project: dir.project, path: dir.path, ...page, counts: true });
  }

  for (const url of ['/v1/files/:ref/entries/', '/v1/files/:ref/entries']) {
    app.post<RefParams>(url, async (request, reply) => {
      const principal = principalOf(request);
      const body = await jsonBody(request);
      const dir = await dirOf(deps, principal, request.params.ref);
      const path = childPath(dir, body['name']);
      const target = { project: dir.project, path };
      switch (body['action']) {
        case 'CREATE_FILE': {
          const v = await putFile(core, principal, { ...target, body: empty(), create: true });
          return sendEntry(request, reply, await getEntry(core, principal, v.fileId));
        }
        case 'CREATE_DIRECTORY': {
          const made = await makeDirectory(core, principal, { ...target, exclusive: true });
          return sendEntry(request, reply, made.entry);
        }
        case 'RENAME': {
          const oldPath = stringField(body, 'old_path');
          if (oldPath === undefined) throw new StorageError('InvalidArgument', 'RENAME needs old_path.');
          const from = placeOf(oldPath);
          if (from.project === '' || from.path === '')
            throw new StorageError('AccessDenied', 'The root and projects cannot be renamed here.');
          const clobber = body['clobber'];
          if (clobber !== undefined && typeof clobber !== 'boolean')
            throw new StorageError('InvalidArgument', 'clobber must be true or false.');
          const moved = await moveEntry(core, principal, {
            source: { project: from.project, path: from.dirOnly ? `${from.path}/` : from.path },
            target,
            conflict: clobber ? 'overwrite' : 'fail',
          });
          return sendEntry(request, reply, moved);
        }
        default:
          throw new StorageError(
            'InvalidArgument',
            'action must be CREATE_FILE, CREATE_DIRECTORY or RENAME (links and symlinks are not supported).',
          );
      }
    });

    app.get<RefParams>(url, async (request, reply) => {
      const ref = request.params.ref;
      const dir = await dirOf(deps, principalOf(request), ref);
      const limit = Math.min(queryUint64(request, 'limit') ?? 1000, MAX_DIR_PAGE);
      if (limit < 1) throw new StorageError('InvalidArgument', 'limit is at least 1.');
      const snapshot = snapshotRef(request.query['snapshot']);
      const after = request.query['after'] || undefined;
      const page = await listChildren(request, dir, { limit, after, snapshot });
      const query = new URLSearchParams({ after: page.next ?? '', limit: String(limit) });
      if (snapshot) query.set('snapshot', snapshot);
      const files = page.entries.map((e) => attributesOf(e, page.childCounts?.get(countKey(e)) ?? 0));
      return sendJson(reply, {
        path: pathOf(dir),
        id: String(dir.number),
        child_count: page.count ?? files.length,
        files,
        paging: {
          next: page.next ? `/v1/files/${encodeURIComponent(ref)}/entries/?${query}` : '',
          prev: '',
        },
      });
    });
  }

  app.get<RefParams>('/v1/files/:ref/info/attributes', async (request, reply) => {
    const principal = principalOf(request);
    const snapshot = snapshotRef(request.query['snapshot']);
    const entry =
      snapshot === undefined
        ? await entryOf(deps, principal, request.params.ref)
        : await entryAt(deps, principal, request.params.ref, snapshot);
    if (snapshot === undefined || entry.type === 'directory') return sendEntry(request, reply, entry);
    // The file as that snapshot holds it.
    const v = await stat(core, principal, { project: entry.project, path: entry.path, snapshot });
    return sendEntry(request, reply, {
      ...entry,
      size: v.size,
      etag: v.etag,
      versionId: v.versionId,
      versionRow: v.rowId,
      modifiedAt: v.modifiedAt,
      revision: v.seq,
    });
  });

  app.patch<RefParams>('/v1/files/:ref/info/attributes', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const entry = await entryOf(deps, principal, request.params.ref);
    // Everything is checked before anything is written.
    const change = attributeChange(core, entry, body);
    checkIfMatch(request, etagOf(entry));
    const target = { project: entry.project, path: entry.path };
    const conditions = writeConditions(request, entry);
    if (change.size !== undefined && entry.type !== 'file')
      throw new StorageError('IsADirectory', 'A directory has no size to set.');
    // A time the file has already is no change (and no new version); with a new size it is the new version's.
    const fileModified =
      entry.type === 'file' && (change.size !== undefined || change.modifiedAt !== entry.modifiedAt)
        ? change.modifiedAt
        : undefined;
    // A file's size and time are a new version, its mode and creation its entry's: one transaction, whole or not at all.
    const attrs = { mode: change.mode, createdAt: change.createdAt };
    if (change.size !== undefined)
      await truncateFile(core, principal, {
        ...target,
        size: change.size,
        modifiedAt: fileModified,
        entry: attrs,
        conditions,
      });
    else if (fileModified !== undefined)
      await setFileModified(core, principal, {
        ...target,
        modifiedAt: fileModified,
        entry: attrs,
        conditions,
      });
    else {
      const dirModified = entry.type === 'directory' ? change.modifiedAt : undefined;
      // A PATCH that changes nothing still needs write, as Qumulo's does: checked where it would set them (the
      // root's and a project's, fixed, are shown as they are).
      if (
        attrs.mode !== undefined ||
        attrs.createdAt !== undefined ||
        dirModified !== undefined ||
        entry.path !== ''
      )
        await setEntryAttributes(
          core,
          principal,
          { id: entry.id, ...attrs, modifiedAt: dirModified },
          (now) => checkIfMatch(request, etagOf(now)),
        );
    }
    return sendEntry(request, reply, await entryOf(deps, principal, String(entry.number)));
  });

  app.delete<RefParams>('/v1/files/:ref', async (request, reply) => {
    const principal = principalOf(request);
    const entry = await entryOf(deps, principal, request.params.ref);
    if (entry.path === '')
      throw new StorageError('AccessDenied', 'The root and projects are removed through the native API.');
    const target = { project: entry.project, path: entry.path };
    if (entry.type === 'directory') await removeDirectory(core, principal, target);
    else await deleteFile(core, principal, { ...target, conditions: writeConditions(request, entry) });
    return sendEmpty(reply);
  });

  for (const url of ['/v1/tree-delete/', '/v1/tree-delete']) {
    app.post(url, async (request, reply) => {
      const principal = principalOf(request);
      const body = await jsonBody(request);
      const id = stringField(body, 'id');
      if (id === undefined)
        throw new StorageError('InvalidArgument', 'Give the id of the directory to delete.');
      const dir = await dirOf(deps, principal, id);
      if (dir.path === '')
        throw new StorageError('AccessDenied', 'The root and projects are removed through the native API.');
      const job = await startTreeDelete(core, principal, { project: dir.project, path: dir.path });
      reply.header('location', `/api/v1/jobs/${job.id}`).header('x-mimeo-job-id', job.id);
      return sendEmpty(reply, 202);
    });
  }
};
