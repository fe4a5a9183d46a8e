// GET /v1/version (no session: the SDK probes it), POST /v1/session/login, GET /v1/session/who-am-i.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { signIn } from '../../../auth/sign-in.ts';
import { StorageError } from '../../../core/errors.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { sendJson, stringField } from '../wire.ts';

const VERSION = {
  revision_id: 'Qumulo Core 7.2.0',
  build_id: 'mimeo',
  flavor: 'release',
  build_date: '2024-01-01T00:00:00Z',
};

export const sessionRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  app.get('/v1/version', async (_request, reply) => sendJson(reply, VERSION));

  app.post('/v1/session/login', async (request, reply) => {
    const body = await jsonBody(request);
    const name = stringField(body, 'username');
    const password = stringField(body, 'password');
    if (!name || password === undefined)
      throw new StorageError('InvalidArgument', 'Give a username and a password.');
    const { token } = await signIn(deps, {
      credential: { name, password },
      address: request.ip,
      log: request.log,
    });
    return sendJson(reply, { bearer_token: token.token });
  });

  app.get('/v1/session/who-am-i', async (request, reply) => {
    const p = principalOf(request);
    return sendJson(reply, {
      id: p.id,
      name: p.name,
      primary_group: '513',
      sid: `S-1-5-21-mimeo-${p.id}`,
      uid: p.isRoot ? '0' : '',
      home_directory: null,
      can_change_password: !p.isRoot,
      privileges: p.isAdmin || p.isRoot ? ['PRIVILEGE_FILE_FULL_ACCESS', 'PRIVILEGE_SNAPSHOT_WRITE'] : [],
    });
  });
};
