// The admin part of the OpenAPI document: users, access keys, passwords, personal tokens, OAuth clients, project
// members and server figures.

import { err, errors, json, op, ref } from './openapi-parts.ts';
import { keyPatchBody, membershipBody, userBody, userPatchBody } from './routes/admin.ts';
import { clientBody } from './routes/clients.ts';
import { passwordBody, personalTokenBody } from './routes/credentials.ts';
import { kmsKeyBody, kmsPatchBody } from './routes/kms.ts';

const param = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const userParam = param('user', 'A user name or id');

const reference = (fields: Record<string, object>) => ({
  type: 'object',
  properties: { project: { type: 'string' }, path: { type: 'string' }, ...fields },
});

export const adminSchemas = {
  ScrubJob: {
    type: 'object',
    description: 'A job of kind scrub; also readable at /api/v1/jobs/{id}, and stopped with DELETE there',
    properties: {
      id: { type: 'string' },
      kind: { type: 'string', enum: ['scrub'] },
      state: { type: 'string', enum: ['queued', 'running', 'aborting', 'succeeded', 'failed', 'aborted'] },
      error: { type: ['object', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      progress: {
        type: 'object',
        properties: {
          blocksChecked: { type: 'integer' },
          bytesChecked: { type: 'integer' },
          blocksSkipped: {
            type: 'integer',
            description: 'Blocks that only a customer key (SSE-C) opens: they cannot be authenticated here',
          },
          badBlocks: { type: 'integer', description: 'Every bad block found; `bad` lists the first 1000' },
          cursor: {
            type: 'string',
            description: 'The last block id checked: a resumed pass goes on after it',
          },
          bad: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                size: { type: 'integer' },
                storedIn: { type: 'string', enum: ['metadata', 'blocks'] },
                reason: { type: 'string', enum: ['missing', 'corrupted', 'crc64'] },
                message: { type: 'string' },
                references: {
                  type: 'array',
                  description:
                    'The versions whose content holds the block (the first 100); empty when none does',
                  items: reference({ versionId: { type: 'string' }, stream: { type: 'string' } }),
                },
                uploads: {
                  type: 'array',
                  description: 'Multipart uploads in progress whose parts hold the block',
                  items: reference({ uploadId: { type: 'string' } }),
                },
                referencesTruncated: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  },
  User: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      displayName: { type: 'string' },
      canonicalId: { type: 'string', description: 'The S3 owner id: 64 hex digits' },
      admin: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      hasPassword: { type: 'boolean', description: 'Whether the user has a password (shown for one user)' },
    },
  },
  PersonalToken: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      user: { type: 'string' },
      name: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: 'To the minute' },
      expiresAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  OAuthClient: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'The client_id' },
      public: { type: 'boolean', description: 'Authenticates with an empty secret (sas.cli)' },
      user: { type: ['string', 'null'], description: 'Whom it acts for under client_credentials' },
      grants: { type: 'array', items: { type: 'string' } },
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
  '/api/v1/admin/users/{user}/password': {
    parameters: [userParam],
    put: op("Set or clear (null) a user's password: root or admins for anyone, a user for themselves", {
      description:
        'A user who is not an administrator gives currentPassword when they have a password; a wrong one is 403, and counts as a failed sign-in. The sessions signed in with the old password end. root has no password: it signs in by name with its secret key.',
      requestBody: json(passwordBody),
      responses: { '204': { description: 'Done' }, '429': err, ...errors },
    }),
  },
  '/api/v1/admin/users/{user}/tokens': {
    parameters: [userParam],
    get: op("A user's personal tokens, without their text (root, admins, or the user)", {
      responses: {
        '200': {
          description: 'Tokens',
          ...json({ type: 'object', properties: { tokens: { type: 'array', items: ref('PersonalToken') } } }),
        },
        ...errors,
      },
    }),
    post: op('Create a personal token (root, admins, or the user); the body may be empty', {
      description:
        'The token (mimeo_pat_ and 43 characters: 256 random bits) is in this answer only; the server keeps its SHA-256. Use it as Authorization: Bearer on the native API, or exchange it at /api/v1/auth/token.',
      requestBody: json(personalTokenBody),
      responses: {
        '201': {
          description: 'The token, with its text shown once',
          ...json({
            allOf: [ref('PersonalToken'), { type: 'object', properties: { token: { type: 'string' } } }],
          }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/admin/tokens/{id}': {
    parameters: [param('id', 'A personal token id')],
    delete: op('Revoke a personal token and end the sessions signed in with it (root, admins, or its user)', {
      responses: { '204': { description: 'Revoked' }, ...errors },
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
  '/api/v1/admin/clients': {
    get: op('OAuth clients of SAS Logon, without secrets (root or admin)', {
      responses: {
        '200': {
          description: 'Clients',
          ...json({ type: 'object', properties: { clients: { type: 'array', items: ref('OAuthClient') } } }),
        },
        ...errors,
      },
    }),
    post: op('Register an OAuth client with a secret (root or admin)', {
      description:
        'The secret (40 base64url characters) is in this answer only; the server keeps its SHA-256. The client authenticates at POST /SASLogon/oauth/token with Authorization: Basic base64(id:secret). client_credentials needs a user; 409 for an id that is taken.',
      requestBody: json(clientBody),
      responses: {
        '201': {
          description: 'The client, with its secret shown once',
          ...json({
            allOf: [ref('OAuthClient'), { type: 'object', properties: { secret: { type: 'string' } } }],
          }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/admin/clients/{id}': {
    parameters: [param('id', 'A client_id')],
    delete: op(
      'Delete an OAuth client, its refresh tokens and the sessions of its client_credentials grants',
      {
        responses: { '204': { description: 'Deleted' }, ...errors },
      },
    ),
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
  '/api/v1/admin/scrub': {
    post: op(
      'Start a scrub pass: every block read back, its GCM tag and CRC-64/NVME checked (root or admin). Answers the pass already under way if there is one',
      { responses: { '202': { description: 'The scrub job', ...json(ref('ScrubJob')) }, ...errors } },
    ),
    get: op(
      'The latest scrub pass (the one under way, else the last that ended) with its report (root or admin)',
      {
        responses: { '200': { description: 'The scrub job', ...json(ref('ScrubJob')) }, ...errors },
      },
    ),
  },
  '/api/v1/projects/{project}/members': {
    parameters: [param('project', 'A project name')],
    get: op('Members of a project and their roles (project admins)', {
      responses: { '200': { description: 'Members' }, ...errors },
    }),
  },
};
