// Files and folders: make a folder, get one, list a folder, change a file's name, metadata and tags, move, delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { deleteFile } from '../../../core/delete.ts';
import { queryChildren } from '../../../core/dir-query.ts';
import { makeDirectory, removeDirectory } from '../../../core/dirs.ts';
import type { Entry } from '../../../core/entries.ts';
import { StorageError } from '../../../core/errors.ts';
import { moveEntry } from '../../../core/move.ts';
import { childPath } from '../../../core/paths.ts';
import { setLabels } from '../../../core/write.ts';
import { jsonBody, jsonValue } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { contextFor, contextOf, destinationOf, type Folder, folderOf, labelsOf, pathIn } from '../context.ts';
import { fileJson, tagRecord } from '../render.ts';
import { entryOf, pageOf, queryList, selectFields, sendCollection } from '../wire.ts';

type IdParams = { Params: { id: string } };

/** A JSON object of strings (SBG metadata); with `nulls`, a null value stays (it removes the key). */
function stringMap(value: unknown, name: string, nulls = false): Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StorageError('InvalidArgument', `${name} must be an object of strings.`);
  const out: Record<string, string | null> = Object.create(null);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || (nulls && v === null)) out[k] = v;
    else if (v !== null) throw new StorageError('InvalidArgument', `${name} values are strings.`);
  }
  return out;
}

/** A JSON array of strings (SBG tags). */
function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t === ''))
    throw new StorageError('InvalidArgument', `${name} must be an array of non-empty strings.`);
  return value as string[];
}

export const fileRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  async function sendEntry(request: FastifyRequest, reply: FastifyReply, e: Entry, status = 200) {
    const json = fileJson(e, await labelsOf(deps, request, e), await contextOf(deps, request, e));
    return reply.code(status).send(selectFields(request, json));
  }

  /** A file (not a folder) by id, for the routes that change a file's labels. */
  async function fileOf(request: FastifyRequest<IdParams>) {
    const e = await entryOf(deps, principalOf(request), request.params.id);
    if (e.type !== 'file') throw new StorageError('IsADirectory', 'A folder has no metadata or tags.');
    return e;
  }

  app.post('/v2/files', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    if (body['type'] !== 'folder')
      throw new StorageError('InvalidArgument', 'Only folders are made here: type "folder".');
    const folder = await destinationOf(deps, principal, body);
    const made = await makeDirectory(core, principal, {
      project: folder.project,
      path: pathIn(folder, body['name']),
      exclusive: true,
    });
    return sendEntry(request, reply, made.entry, 201);
  });

  app.get<IdParams>('/v2/files/:id', async (request, reply) =>
    sendEntry(request, reply, await entryOf(deps, principalOf(request), request.params.id)),
  );

  async function list(request: FastifyRequest, reply: FastifyReply, folder: Folder) {
    const page = pageOf(request);
    const q = request.query as Record<string, unknown>;
    // No prototype: `metadata.__proto__=x` is a filter like any other, not a change of the object's prototype.
    // A field given several times is an OR of its values; different fields are an AND (SBG's filtering rule).
    const properties: Record<string, string[]> = Object.create(null);
    for (const k of Object.keys(q))
      if (k.startsWith('metadata.')) properties[k.slice('metadata.'.length)] = queryList(request, k);
    // No file here was made by a task: a filter on a task's outputs matches nothing, whatever else it asks (the
    // folder is still looked up, under the same role as any listing).
    const byTask = q['origin.task'] !== undefined;
    const { entries, total } = await queryChildren(
      core,
      principalOf(request),
      byTask
        ? { project: folder.project, path: folder.path, offset: 0, limit: 0 }
        : {
            project: folder.project,
            path: folder.path,
            names: queryList(request, 'name'),
            tags: queryList(request, 'tag'),
            properties,
            ...page,
          },
    );
    const ctx = await contextFor(deps, request, { project: folder.project, parent: folder.path });
    const items = byTask ? [] : entries.map((e) => selectFields(request, fileJson(e, e, ctx)));
    return sendCollection(request, reply, { items, total: byTask ? 0 : total, ...page });
  }

  app.get('/v2/files', async (request, reply) => {
    const principal = principalOf(request);
    const q = request.query as Record<string, unknown>;
    if (q['dataset'] !== undefined)
      throw new StorageError('InvalidArgument', 'Datasets are not served here.');
    return list(
      request,
      reply,
      await destinationOf(deps, principal, { project: q['project'], parent: q['parent'] }),
    );
  });

  app.get<IdParams>('/v2/files/:id/list', async (request, reply) =>
    list(request, reply, await folderOf(deps, principalOf(request), request.params.id)),
  );

  app.patch<IdParams>('/v2/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    let e = await entryOf(deps, principal, request.params.id);
    // Everything is checked before anything is written.
    const labels = body['metadata'] !== undefined || body['tags'] !== undefined;
    if (labels && e.type !== 'file')
      throw new StorageError('IsADirectory', 'A folder has no metadata or tags.');
    const metadata =
      body['metadata'] === undefined ? undefined : stringMap(body['metadata'], 'metadata', true);
    const tags = body['tags'] === undefined ? undefined : tagRecord(stringList(body['tags'], 'tags'));
    const rename = body['name'] !== undefined && body['name'] !== e.name;
    const target = rename ? childPath(e.parent, body['name']) : undefined;
    const change = labels ? { mergeProperties: metadata, tags } : undefined;
    // A new name with new labels is one core operation: both are made, or neither.
    if (target !== undefined) {
      e = await moveEntry(
        core,
        principal,
        {
          source: { project: e.project, path: e.type === 'directory' ? `${e.path}/` : e.path },
          target: { project: e.project, path: target },
        },
        change,
      );
    } else if (change) await setLabels(core, principal, { project: e.project, id: e.id, ...change });
    return sendEntry(request, reply, await entryOf(deps, principal, e.ids.hex));
  });

  app.get<IdParams>('/v2/files/:id/metadata', async (request, reply) => {
    const e = await fileOf(request);
    return reply.send((await labelsOf(deps, request, e)).properties);
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route<IdParams>({
      method,
      url: '/v2/files/:id/metadata',
      handler: async (request, reply) => {
        const e = await fileOf(request);
        // PUT replaces the metadata; PATCH merges into it, in the write's transaction, and a null removes a key.
        const given = stringMap(await jsonBody(request), 'metadata', method === 'PATCH');
        const v = await setLabels(core, principalOf(request), {
          project: e.project,
          id: e.id,
          ...(method === 'PUT'
            ? { properties: given as Record<string, string> }
            : { mergeProperties: given }),
        });
        return reply.send(v.properties);
      },
    });
  }

  app.put<IdParams>('/v2/files/:id/tags', async (request, reply) => {
    const e = await fileOf(request);
    const raw = await jsonValue(request);
    const tags = stringList(raw, 'tags');
    await setLabels(core, principalOf(request), { project: e.project, id: e.id, tags: tagRecord(tags) });
    return reply.send([...new Set(tags)].sort());
  });

  app.post<IdParams>('/v2/files/:id/actions/move', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const e = await entryOf(deps, principal, request.params.id);
    const folder = await folderOf(deps, principal, body['parent'], 'parent');
    if (folder.project !== e.project)
      throw new StorageError('InvalidArgument', 'A file moves within its project; copy it to another one.');
    const moved = await moveEntry(core, principal, {
      source: { project: e.project, path: e.type === 'directory' ? `${e.path}/` : e.path },
      target: { project: folder.project, path: pathIn(folder, body['name'] ?? e.name) },
    });
    return sendEntry(request, reply, moved);
  });

  app.delete<IdParams>('/v2/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    const e = await entryOf(deps, principal, request.params.id);
    if (e.path === '') throw new StorageError('AccessDenied', 'A project root folder cannot be deleted.');
    const target = { project: e.project, path: e.path };
    if (e.type === 'directory') await removeDirectory(core, principal, target);
    else await deleteFile(core, principal, { ...target, conditions: { fileId: e.id } });
    return reply.code(204).send();
  });
};
