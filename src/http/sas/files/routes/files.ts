// /files/files: create (raw or multipart, filed in `parentFolderUri`), read the resource (GET, and HEAD through the
// kit), list by `parentUri`, patch its attributes, delete. The content and the copy have routes of their own.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { deleteFile } from '../../../../core/delete.ts';
import { queryChildren } from '../../../../core/dir-query.ts';
import { getEntryByPath } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import { moveEntry } from '../../../../core/move.ts';
import { childPath } from '../../../../core/paths.ts';
import { principalNames } from '../../../../core/project-owners.ts';
import { type Revision, reviseFile } from '../../../../core/revise.ts';
import { putFile } from '../../../../core/write.ts';
import { isHeaderValue } from '../../../common/header-text.ts';
import { principalOf } from '../../../common/principal.ts';
import { collection, pageOf } from '../../kit/collection.ts';
import { filterOf, sorterOf } from '../../kit/filter.ts';
import { checkJsonBody, negotiate, sasJsonBody, sendJson } from '../../kit/media.ts';
import { requiredConditions } from '../../kit/preconditions.ts';
import { fileOf, sendFile, versionOf } from '../context.ts';
import { DEFAULT_TYPE, FILE_TYPE, FILE_VERSION, fileJson, META } from '../file-json.ts';
import { folderOfUri, folderUri } from '../folder-ref.ts';
import { expiryOf, flagOf, futureExpiry, one, typeDefOf } from '../query.ts';
import { dispositionFilename, uploadBody } from '../upload-body.ts';

type Id = { Params: { id: string } };

/** A patch is a file of the version the service has, and must say so: an untyped body is refused. */
const PATCH_BODY = { typed: true, reads: { name: 'file', version: FILE_VERSION } };

/** Files read at most, before paging, when a filter or a sort needs them all: past it the listing is refused. */
const MAX_LISTED = 10_000;

export const fileRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.post('/files/files', async (request, reply) => {
    const principal = principalOf(request);
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'file', FILE_VERSION);
    const parent = one(request, 'parentFolderUri');
    if (parent === undefined || parent === '')
      throw new StorageError(
        'InvalidArgument',
        'parentFolderUri is required: every file is filed in a folder.',
      );
    const folder = await folderOfUri(deps, principal, parent);
    const typeDef = typeDefOf(request);
    const expiresAt = expiryOf(request);
    const searchable = flagOf(request, 'searchable');
    const disposition = request.headers['content-disposition'];
    const upload = await uploadBody(request);
    const name = dispositionFilename(disposition) ?? upload.filename;
    if (name === undefined)
      throw new StorageError('InvalidArgument', 'Name the file: Content-Disposition: filename="name".');
    const path = childPath(folder.path, name);
    const userMetadata: Record<string, string> = {};
    if (typeDef) userMetadata[META.typeDefName] = typeDef;
    if (searchable !== undefined) userMetadata[META.searchable] = String(searchable);
    const v = await putFile(core, principal, {
      project: folder.project,
      path,
      body: upload.body,
      size: upload.size,
      create: true,
      contentType: upload.contentType ?? DEFAULT_TYPE,
      contentDisposition: disposition?.trim() || null,
      userMetadata,
      expiresAt: expiresAt ?? null,
    });
    const e = await getEntryByPath(core, principal, { project: folder.project, path });
    return sendFile(deps, request, reply, e, v, 201);
  });

  app.get<Id>('/files/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    const e = await fileOf(deps, principal, request.params.id);
    return sendFile(deps, request, reply, e, await versionOf(deps, principal, e));
  });

  app.get('/files/files', async (request, reply) => {
    const principal = principalOf(request);
    const query = request.query as Record<string, unknown>;
    const page = pageOf(query, 10);
    const filter = filterOf(one(request, 'filter'));
    const sorter = sorterOf(one(request, 'sortBy'));
    const parentUri = one(request, 'parentUri') ?? one(request, 'parentFolderUri');
    if (parentUri === undefined)
      throw new StorageError(
        'InvalidArgument',
        'List the files of a folder: parentUri=/folders/folders/{id}.',
      );
    const folder = await folderOfUri(deps, principal, parentUri);
    const whole = filter !== undefined || sorter !== undefined;
    const { entries, total } = await queryChildren(core, principal, {
      project: folder.project,
      path: folder.path,
      offset: whole ? 0 : page.start,
      limit: whole ? MAX_LISTED + 1 : page.limit,
      filesOnly: true,
    });
    if (whole && entries.length > MAX_LISTED)
      throw new StorageError(
        'InvalidArgument',
        `The folder has more than ${MAX_LISTED} files: list them without filter and sortBy.`,
      );
    // Every file is in `folder`, and the principals' names come in one lookup: one read per file, for its version.
    const versions = await Promise.all(entries.map((e) => versionOf(deps, principal, e)));
    const names = await principalNames(
      core,
      versions.flatMap((v) => [v.createdBy, v.modifiedBy]),
    );
    let items = entries.map((e, i) => fileJson(e, versions[i]!, folderUri(folder.id), names));
    let count = total;
    if (whole) {
      if (filter) items = items.filter((i) => filter(i as unknown as Record<string, unknown>));
      if (sorter)
        items.sort((a, b) =>
          sorter(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>),
        );
      count = items.length;
      items = items.slice(page.start, page.start + page.limit);
    }
    return sendJson(
      reply,
      request,
      'collection',
      2,
      collection(items, { count, page, path: '/files/files', query, accept: FILE_TYPE }),
    );
  });

  app.patch<Id>('/files/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    checkJsonBody(request, PATCH_BODY);
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'file', FILE_VERSION);
    const conditions = requiredConditions(request, 'A patch of a file');
    let e = await fileOf(deps, principal, request.params.id);
    const body = await sasJsonBody(request, PATCH_BODY);
    const text = (k: string) => {
      const v = body[k];
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw new StorageError('InvalidArgument', `${k} is a string.`);
      return v as string | null | undefined;
    };
    const properties = body['properties'];
    if (
      properties !== undefined &&
      (typeof properties !== 'object' ||
        properties === null ||
        Array.isArray(properties) ||
        Object.values(properties).some((v) => typeof v !== 'string'))
    )
      throw new StorageError('InvalidArgument', 'properties is an object of strings.');
    if (body['searchable'] !== undefined && typeof body['searchable'] !== 'boolean')
      throw new StorageError('InvalidArgument', 'searchable is true or false.');
    const expiry = text('expirationTimeStamp');
    const name = text('name');
    const target =
      name !== undefined && name !== null && name !== e.name ? childPath(e.parent, name) : undefined;
    const meta: Record<string, string> = {};
    const setMeta = (k: keyof typeof META, v: string | null | undefined) => {
      if (v !== undefined && v !== null) meta[META[k]] = v;
    };
    setMeta('description', text('description'));
    setMeta('documentType', text('documentType'));
    if (body['searchable'] !== undefined) meta[META.searchable] = String(body['searchable']);
    // These three are sent back as download headers: a value no header may carry (RFC 9110 section 5.5) is refused.
    const header = (k: string) => {
      const v = text(k);
      if (typeof v === 'string' && !isHeaderValue(v))
        throw new StorageError('InvalidArgument', `${k} holds a character no HTTP header may carry.`);
      return v;
    };
    const contentType = header('contentType');
    const contentDisposition = header('contentDisposition');
    const encoding = header('encoding');
    // The attributes as a new version of the same content, on the version the client named; with a new name, in
    // the rename's transaction: a refused rename changes nothing.
    const revision: Revision = {
      conditions: { ...conditions, fileId: e.id },
      userMetadata: meta,
      ...(properties !== undefined ? { properties: properties as Record<string, string> } : {}),
      ...(contentType ? { contentType } : {}),
      ...(contentDisposition !== undefined ? { contentDisposition } : {}),
      ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
      ...(expiry !== undefined ? { expiresAt: expiry === null ? null : futureExpiry(expiry) } : {}),
    };
    const source = { project: e.project, path: e.path };
    if (target === undefined) await reviseFile(core, principal, { ...source, ...revision });
    else
      e = await moveEntry(
        core,
        principal,
        { source, target: { project: e.project, path: target } },
        { revision },
      );
    e = await fileOf(deps, principal, e.ids.uuid);
    return sendFile(deps, request, reply, e, await versionOf(deps, principal, e));
  });

  app.delete<Id>('/files/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    const e = await fileOf(deps, principal, request.params.id);
    const raw = request.headers['if-match'];
    const ifVersion =
      typeof raw === 'string' && raw.trim() !== '' ? requiredConditions(request, '').ifVersion : undefined;
    await deleteFile(core, principal, {
      project: e.project,
      path: e.path,
      conditions: { fileId: e.id, ifVersion },
    });
    return reply.code(204).send();
  });
};
