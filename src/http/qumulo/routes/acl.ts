// An entry's ACL, v2 (`GET|PUT /v2/files/{ref}/info/acl`), as `qq fs_get_acl` reads it and `qq fs_copy` copies it:
// GET shows the ACL the entry's mode gives; PUT takes only such an ACL, and sets that mode.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { setEntryAttributes } from '../../../core/entry-attrs.ts';
import { stat } from '../../../core/read.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { aclOf, modeOfAcl } from '../acl.ts';
import { etagOf } from '../attributes.ts';
import { checkIfMatch, entryOf, quoted, sendJson, snapshotRef } from '../wire.ts';

type RefParams = { Params: { ref: string }; Querystring: Record<string, string | undefined> };

export const aclRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.get<RefParams>('/v2/files/:ref/info/acl', async (request, reply) => {
    const principal = principalOf(request);
    const entry = await entryOf(deps, principal, request.params.ref);
    const snapshot = snapshotRef(request.query['snapshot']);
    // A mode is the entry's, not a version's: at a snapshot the file must have been there, and shows its mode now
    // with the ETag of the version the snapshot holds, as its attributes at a snapshot do.
    let etag = etagOf(entry);
    if (snapshot !== undefined && entry.type === 'file')
      etag = (await stat(core, principal, { project: entry.project, path: entry.path, snapshot })).rowId;
    reply.header('etag', quoted(etag));
    return sendJson(reply, aclOf(entry));
  });

  app.put<RefParams>('/v2/files/:ref/info/acl', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const entry = await entryOf(deps, principal, request.params.ref);
    const mode = modeOfAcl(entry, body);
    // `qq fs_copy` sends the ETag its attributes' PATCH answered with: checked where the mode is set.
    const updated = await setEntryAttributes(core, principal, { id: entry.id, mode }, (now) =>
      checkIfMatch(request, etagOf(now)),
    );
    reply.header('etag', quoted(etagOf(updated)));
    return sendJson(reply, aclOf(updated));
  });
};
