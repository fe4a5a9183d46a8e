// POST /api/v1/auth/token: an access key and secret, a name and password, or a personal token in; a bearer token out.
// DELETE /api/v1/auth/token: the session of the bearer token sent ends (sign-out).
import type { FastifyInstance } from 'fastify';
import { PERSONAL_TOKEN_PREFIX } from '../../../auth/personal-tokens.ts';
import { type Credential, signIn } from '../../../auth/sign-in.ts';
import { revokeToken } from '../../../auth/tokens.ts';
import { StorageError } from '../../../core/errors.ts';
import { bearerToken } from '../../common/principal.ts';
import type { NativeDeps } from '../context.ts';
import { iso } from '../context.ts';

const text = (maxLength: number, description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  description,
});

/**
 * The forms a body may take: exactly the fields of one of them. `secretKey` is another name for `secret`: the root
 * credentials file and the S3 tools call it that, and a body copied from them works as it is.
 */
const FORMS = [['accessKey', 'secret'], ['accessKey', 'secretKey'], ['name', 'password'], ['token']] as const;

export const tokenBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    accessKey: text(256, 'An access key id'),
    secret: text(1024, 'Its secret key'),
    secretKey: text(1024, 'Another name for secret (as the root credentials file calls it)'),
    name: text(256, 'A user name, or root'),
    password: text(1024, "The user's password; root's is its secret key"),
    token: text(256, 'A personal token (mimeo_pat_...)'),
  },
} as const;

/** The token body as the OpenAPI document shows it: one of the three forms. */
export const tokenBodyDoc = { ...tokenBody, oneOf: FORMS.map((f) => ({ required: [...f] })) };

function credentialOf(body: Record<string, string>): Credential {
  const given = Object.keys(body).sort().join(',');
  if (!FORMS.some((f) => [...f].sort().join(',') === given))
    throw new StorageError('InvalidArgument', 'Give accessKey and secret, name and password, or token.');
  const { secretKey, ...rest } = body;
  return (secretKey === undefined ? rest : { ...rest, secret: secretKey }) as unknown as Credential;
}

export const authRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Record<string, string> }>(
    '/api/v1/auth/token',
    { schema: { body: tokenBody } },
    async (request, reply) => {
      const { principal, token } = await signIn(deps, {
        credential: credentialOf(request.body),
        address: request.ip,
        log: request.log,
      });
      return reply.code(201).send({
        token: token.token,
        expiresAt: iso(token.expiresAt),
        principal: { id: principal.id, name: principal.name },
      });
    },
  );
  app.delete('/api/v1/auth/token', async (request, reply) => {
    const token = bearerToken(request);
    if (!token) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token>.');
    // A personal token is a credential, not a session: signing out must not revoke it for every other client.
    if (token.startsWith(PERSONAL_TOKEN_PREFIX))
      throw new StorageError(
        'InvalidArgument',
        'A personal token does not end by signing out: revoke it with DELETE /api/v1/admin/tokens/{id}.',
      );
    await revokeToken(deps.core, token);
    return reply.code(204).send();
  });
};
