// The admin part of the OpenAPI document: users, access keys, project members and server figures.
import { keyPatchBody, membershipBody, userBody, userPatchBody } from './routes/admin.ts';
import { kmsKeyBody, kmsPatchBody } from './routes/kms.ts';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = { description: 'Error', ...json(ref('Error')) };
const errors = { '400': err, '401': err, '403': err, '404': err, '409': err };
const param = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const userParam = param('user', 'A user name or id');
const op = (summary: string, extra: object) => ({ summary, ...extra });

export const adminSchemas = {
  User: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      displayName: { type: 'string' },
      canonicalId: { type: 'string', description: 'The S3 owner id: 64 hex digits' },
      admin: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  AccessKey: {
    type: 'object',
    properties: {
      accessKey: { type: 'string' },
      user: { type: 'string' },
      enabled: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  ServerStats: {
    type: 'object',
    properties: {
      blockBuffers: {
        type: 'object',
        description: 'The block buffer budget that large uploads and downloads share (--buffer-budget)',
        properties: {
          capacity: { type: 'integer', description: 'Bytes of block buffers allowed at once' },
          inUse: {
            type: 'integer',
            description: 'Bytes held now: buffers lent, and one buffer kept by each transfer under way',
          },
          peak: { type: 'integer', description: 'The most bytes held at once since the server started' },
          transfers: { type: 'integer', description: 'Large transfers under way' },
          waiting: { type: 'integer', description: 'Large transfers waiting for room' },
          refused: {
            type: 'integer',
            description: 'Transfers refused with SlowDown since the server started',
          },
        },
      },
    },
  },
};

const withSecret = (schema: string) => ({
  allOf: [
    ref(schema),
    {
      type: 'object',
      properties: {
        accessKey: { type: 'string' },
        secretKey: { type: 'string', description: 'Shown once; stored sealed under the master key' },
      },
    },
  ],
});

export const adminPaths = {
  '/api/v1/admin/users': {
    get: op('List users (root or admin)', {
      responses: {
        '200': {
          description: 'Users',
          ...json({ type: 'object', properties: { users: { type: 'array', items: ref('User') } } }),
        },
        ...errors,
      },
    }),
    post: op('Create a user with a first access key (root or admin)', {
      requestBody: json(userBody),
      responses: {
        '201': { description: 'The user, with the secret shown once', ...json(withSecret('User')) },
        ...errors,
      },
    }),
  },
  '/api/v1/admin/users/{user}': {
    parameters: [userParam],
    get: op('A user with their keys (without secrets) and memberships', {
      responses: { '200': { description: 'User', ...json(ref('User')) }, ...errors },
    }),
    patch: op('Change the display name or the admin flag', {
      requestBody: json(userPatchBody),
      responses: { '200': { description: 'User', ...json(ref('User')) }, ...errors },
    }),
    delete: op('Delete a user with their keys, tokens and memberships; 409 while they own projects', {
      responses: { '204': { description: 'Deleted' }, ...errors },
    }),
  },
  '/api/v1/admin/users/{user}/projects/{project}': {
    parameters: [userParam, param('project', 'A project name')],
    put: op("Set a user's role on a project (read, copy, write, admin), or remove it with null", {
      requestBody: json(membershipBody),
      responses: { '204': { description: 'Done' }, ...errors },
    }),
  },
  '/api/v1/admin/users/{user}/keys': {
    parameters: [userParam],
    get: op("A user's access keys, without secrets", {
      responses: {
        '200': {
          description: 'Keys',
          ...json({ type: 'object', properties: { keys: { type: 'array', items: ref('AccessKey') } } }),
        },
        ...errors,
      },
    }),
    post: op('Create an access key for the user', {
      responses: {
        '201': { description: 'The key, with the secret shown once', ...json(withSecret('AccessKey')) },
        ...errors,
      },
    }),
  },
  '/api/v1/admin/keys': {
    get: op('Every access key, without secrets', {
      responses: {
        '200': {
          description: 'Keys',
          ...json({ type: 'object', properties: { keys: { type: 'array', items: ref('AccessKey') } } }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/admin/keys/{key}': {
    parameters: [param('key', 'An access key id')],
    patch: op("Disable or enable a key; disabling ends the key's bearer tokens", {
      requestBody: json(keyPatchBody),
      responses: { '200': { description: 'Key', ...json(ref('AccessKey')) }, ...errors },
    }),
    delete: op('Delete a key and its bearer tokens', {
      responses: { '204': { description: 'Deleted' }, ...errors },
    }),
  },
  '/api/v1/admin/kms/keys': {
    get: op('KMS keys of the built-in key store (root or admin); material never leaves the server', {
      responses: { '200': { description: 'Keys' }, ...errors },
    }),
    post: op('Create a named KMS key for SSE-KMS', {
      requestBody: json(kmsKeyBody),
      responses: { '201': { description: 'Key' }, ...errors },
    }),
  },
  '/api/v1/admin/kms/keys/{name}': {
    parameters: [param('name', 'A KMS key name (may hold slashes)')],
    patch: op('Disable or enable a KMS key; objects under a disabled key cannot be read or written', {
      requestBody: json(kmsPatchBody),
      responses: { '200': { description: 'Key' }, ...errors },
    }),
  },
  '/api/v1/admin/stats': {
    get: op("This node's figures: the block buffer budget (root or admin)", {
      responses: { '200': { description: 'Figures', ...json(ref('ServerStats')) }, ...errors },
    }),
  },
  '/api/v1/projects/{project}/members': {
    parameters: [param('project', 'A project name')],
    get: op('Members of a project and their roles (project admins)', {
      responses: { '200': { description: 'Members' }, ...errors },
    }),
  },
};
