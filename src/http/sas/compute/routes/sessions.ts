// Compute sessions (spec §2): create one in a context (201), read it and its state (always `idle`: a session here
// runs no code, it is a place in the file tree), delete it (204). Only the owner sees a session; another's is 404.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import {
  createComputeSession,
  deleteComputeSession,
  getComputeSession,
} from '../../../../core/compute-sessions.ts';
import { setContentType } from '../../../common/content-type.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate, sasJsonBody, sendJson } from '../../kit/media.ts';
import { contextById } from '../contexts.ts';
import { sessionJson } from '../render.ts';
import { stringField } from '../wire.ts';

/** Every session starts at the root of the tree: its top level is the principal's projects. */
const HOME = '/';

type Sid = { Params: { sid: string } };

export const sessionRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.post<{ Params: { id: string } }>('/compute/contexts/:id/sessions', async (request, reply) => {
    negotiate(request, 'compute.session', 1);
    const principal = principalOf(request);
    const context = contextById(request.params.id);
    // VS Code sends {name, attributes, environment: {options}}; the adapter {}. Only the name is kept: there is no
    // SAS process for the rest to configure.
    const body = await sasJsonBody(request);
    const name = stringField(body, 'name') ?? `${principal.name} session`;
    const s = await createComputeSession(core, principal, { contextId: context.id, name, cwd: HOME });
    reply.code(201).header('location', `/compute/sessions/${s.id}`).header('etag', `"${s.id}"`);
    return sendJson(reply, request, 'compute.session', 1, sessionJson(s, principal.name));
  });

  app.get<Sid>('/compute/sessions/:sid', async (request, reply) => {
    const principal = principalOf(request);
    const s = await getComputeSession(core, principal, request.params.sid);
    reply.header('etag', `"${s.id}"`);
    return sendJson(reply, request, 'compute.session', 1, sessionJson(s, principal.name));
  });

  app.get<Sid>('/compute/sessions/:sid/state', async (request, reply) => {
    await getComputeSession(core, principalOf(request), request.params.sid);
    setContentType(reply, 'text/plain');
    return reply.send('idle');
  });

  app.delete<Sid>('/compute/sessions/:sid', async (request, reply) => {
    await deleteComputeSession(core, principalOf(request), request.params.sid);
    return reply.code(204).send();
  });
};
