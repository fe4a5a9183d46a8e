// The sign-in part of the OpenAPI document: the token endpoint and its three forms of credential.

import { err, json, op, ref } from './openapi-parts.ts';
import { tokenBodyDoc } from './routes/auth.ts';

export const authPaths = {
  '/api/v1/auth/token': {
    post: op(
      'Sign in: exchange an access key and secret, a name and password, or a personal token for a bearer token',
      {
        description:
          "Give exactly one of the three forms. Root signs in by the name root with its secret key as its password. A wrong password and an unknown name are the same 401. Failed sign-ins are limited per name (or access key) and per client address in a window (loginLimits): past a limit every attempt is 429 with Retry-After, even with the right password, until the window ends; a success clears the name's count. The token lives tokenTtlSeconds, and never past the personal token it came from; it ends when its access key is disabled, its password changed or its personal token revoked.",
        security: [],
        requestBody: json(tokenBodyDoc),
        responses: {
          '201': {
            description: 'Token',
            ...json({
              type: 'object',
              properties: {
                token: { type: 'string' },
                expiresAt: { type: 'string', format: 'date-time' },
                principal: {
                  type: 'object',
                  properties: { id: { type: 'string' }, name: { type: 'string' } },
                },
              },
            }),
          },
          '401': err,
          '400': err,
          '429': {
            description: 'Too many failed sign-ins for this name or address',
            headers: {
              'Retry-After': {
                description: 'Seconds until the window ends',
                schema: { type: 'integer' },
              },
            },
            ...json(ref('Error')),
          },
        },
      },
    ),
    delete: op('Sign out: end the session of the bearer token sent', {
      description:
        'The token sent in Authorization: Bearer is refused from then on, on every node. A token that is unknown or has ended already is no error, so a sign-out may be repeated. A personal token (mimeo_pat_...) is a credential, not a session: it is refused here (400) and revoked at /api/v1/admin/tokens/{id}.',
      responses: { '204': { description: 'Signed out' }, '400': err, '401': err },
    }),
  },
};
