// The OpenAPI 3.1 document of the native API, built from the same JSON schemas the routes validate with.
import { ERROR_CODES } from '../../core/errors.ts';
import { adminPaths, adminSchemas } from './openapi-admin.ts';
import { authPaths } from './openapi-auth.ts';
import { dirPaths, dirSchemas } from './openapi-dirs.ts';
import { linkPaths } from './openapi-links.ts';
import { err, errors, json, op, q, ref } from './openapi-parts.ts';
import { uploadPaths, uploadSchemas } from './openapi-uploads.ts';
import { copyBody } from './routes/copy.ts';
import { patchBody } from './routes/files.ts';
import { projectBody } from './routes/projects.ts';

const projectParam = { name: 'project', in: 'path', required: true, schema: { type: 'string' } };
const pathParam = {
  name: 'path',
  in: 'path',
  required: true,
  description: 'File path, / separated',
  schema: { type: 'string' },
};
const h = (name: string, description: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string' },
});
const conditionals = [
  h('If-Match', 'ETag list'),
  h('If-None-Match', 'ETag list or *'),
  h('If-Modified-Since', 'HTTP date'),
  h('If-Unmodified-Since', 'HTTP date'),
];
const selector = [
  q('versionId', 'A version of the file'),
  q('snapshot', 'Read as of a snapshot: its id, number or name'),
  q('stream', 'A named stream (default: the default stream)'),
];

const File = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    path: { type: 'string' },
    size: { type: 'integer' },
    etag: { type: 'string' },
    versionId: { type: 'string' },
    isLatest: { type: 'boolean' },
    deleteMarker: { type: 'boolean' },
    checksums: {
      type: 'object',
      properties: { md5: { type: 'string' }, sha256: { type: 'string' }, crc64nvme: { type: 'string' } },
    },
    contentType: { type: ['string', 'null'] },
    userMetadata: { type: 'object', additionalProperties: { type: 'string' } },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    properties: { type: 'object', additionalProperties: { type: 'string' } },
    lineage: { type: ['object', 'null'] },
    streams: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { size: { type: 'integer' } } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    modifiedAt: { type: 'string', format: 'date-time' },
  },
};

const Receipt = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['reference', 'data'] },
    source: { type: 'object' },
    target: { type: 'object' },
    bytes: { type: 'integer' },
    checksums: { type: 'object' },
    remainder: {
      description: 'Present when a bounded range copy stopped early: POST it again to copy the rest.',
      ...copyBody,
    },
  },
};

const Job = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'running', 'aborting', 'succeeded', 'failed', 'aborted'] },
    progress: { type: 'object' },
    error: { type: ['object', 'null'] },
  },
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'mimeo native API',
      version: '1',
      description:
        'Files and projects in which every copy is a metadata operation. Authenticate with a bearer token from POST /api/v1/auth/token, or with a personal token (mimeo_pat_...) as the bearer token itself.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string', enum: [...Object.keys(ERROR_CODES), 'NoSuchRoute'] },
                message: { type: 'string' },
                requestId: { type: 'string' },
                size: {
                  type: 'integer',
                  description:
                    'InvalidRange only: the size of the file (its version or snapshot) the range was measured against.',
                },
              },
            },
          },
        },
        File,
        Receipt,
        Job,
        CopyRequest: copyBody,
        ...adminSchemas,
        ...dirSchemas,
        ...uploadSchemas,
      },
    },
    paths: {
      ...authPaths,
      ...adminPaths,
      ...dirPaths,
      ...uploadPaths,
      ...linkPaths,
      '/api/v1/projects': {
        post: op('Create a project', {
          requestBody: json(projectBody),
          responses: { '201': { description: 'Project' }, ...errors },
        }),
        get: op('List the projects the caller has a role on', {
          responses: { '200': { description: 'Projects' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}': {
        parameters: [projectParam],
        get: op('Read a project', { responses: { '200': { description: 'Project' }, ...errors } }),
        delete: op('Delete an empty project', {
          responses: { '204': { description: 'Deleted' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}/versioning': {
        parameters: [projectParam],
        put: op('Enable or suspend versioning', {
          requestBody: json({
            type: 'object',
            properties: { versioning: { enum: ['enabled', 'suspended'] } },
          }),
          responses: { '200': { description: 'Project' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}/members/{principal}': {
        parameters: [
          projectParam,
          { name: 'principal', in: 'path', required: true, schema: { type: 'string' } },
        ],
        put: op('Grant a user (by name or id) a role (read, copy, write, admin), or revoke it with null', {
          responses: { '204': { description: 'Done' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}/snapshots': {
        parameters: [projectParam],
        post: op('Take a snapshot', { responses: { '201': { description: 'Snapshot' }, ...errors } }),
        get: op('List snapshots', { responses: { '200': { description: 'Snapshots' }, ...errors } }),
      },
      '/api/v1/projects/{project}/snapshots/{id}': {
        parameters: [
          projectParam,
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'Its id, number or name',
            schema: { type: 'string' },
          },
        ],
        delete: op('Delete a snapshot', { responses: { '204': { description: 'Deleted' }, ...errors } }),
      },
      '/api/v1/projects/{project}/usage': {
        parameters: [projectParam],
        get: op('Logical, physical and shared bytes', {
          responses: { '200': { description: 'Usage' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}/files': {
        parameters: [projectParam],
        get: op('List files by prefix and delimiter, a page at a time', {
          parameters: [
            q('prefix', 'Key prefix'),
            q('delimiter', 'Groups keys into prefixes'),
            q('after', "Start after this key (the previous page's next)"),
            q('limit', '1 to 1000', 'integer'),
            q('snapshot', 'List as of a snapshot: its id, number or name'),
          ],
          responses: { '200': { description: 'A page: files, prefixes, truncated, next' }, ...errors },
        }),
      },
      '/api/v1/projects/{project}/files/{path}': {
        parameters: [projectParam, pathParam],
        put: op('Upload a file (raw body), or write at an offset with ?offset=N', {
          parameters: [
            q('offset', 'Write into the existing file at this byte offset', 'integer'),
            q('stream', 'A named stream'),
            h('Content-MD5', 'Base64 MD5 of the body'),
            h('If-Match', 'Only if the current ETag matches'),
            h('If-None-Match', '* to create only'),
          ],
          requestBody: {
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            '201': { description: 'File', ...json(ref('File')) },
            '200': { description: 'File (offset write)', ...json(ref('File')) },
            '412': err,
            ...errors,
          },
        }),
        get: op('Read the content; Range and conditional headers apply', {
          parameters: [...selector, h('Range', 'bytes=first-last, first- or -suffix'), ...conditionals],
          responses: {
            '200': { description: 'Content' },
            '206': { description: 'Partial content' },
            '304': { description: 'Not modified' },
            '412': err,
            '416': err,
            ...errors,
          },
        }),
        head: op('Read the attributes as headers', {
          parameters: [...selector, ...conditionals],
          responses: { '200': { description: 'Headers only' }, ...errors },
        }),
        delete: op('Delete (a delete marker under versioning), or one version with ?versionId', {
          parameters: [q('versionId', 'Remove this version for good')],
          responses: { '204': { description: 'Deleted' }, ...errors },
        }),
        patch: op('Truncate or extend (size), or replace tags or properties', {
          requestBody: json(patchBody),
          responses: { '200': { description: 'File', ...json(ref('File')) }, ...errors },
        }),
      },
      '/api/v1/files/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: op('Attributes of a file by its stable id', {
          parameters: [q('versionId', 'A version')],
          responses: { '200': { description: 'File', ...json(ref('File')) }, ...errors },
        }),
      },
      '/api/v1/files/{id}/content': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: op('Content of a file by its stable id', {
          parameters: [
            q('versionId', 'A version'),
            q('stream', 'A named stream'),
            h('Range', 'bytes=...'),
            ...conditionals,
          ],
          responses: {
            '200': { description: 'Content' },
            '206': { description: 'Partial content' },
            ...errors,
          },
        }),
      },
      '/api/v1/copy': {
        post: op('Copy a file, a byte range into an offset, or a directory tree (as a job)', {
          requestBody: json(ref('CopyRequest')),
          responses: {
            '201': { description: 'Receipt', ...json(ref('Receipt')) },
            '202': {
              description: 'A tree copy job',
              ...json({ type: 'object', properties: { job: ref('Job') } }),
            },
            '412': err,
            '416': err,
            ...errors,
          },
        }),
      },
      '/api/v1/jobs': {
        get: op('List jobs: your own, or every job for root and administrators, newest first', {
          parameters: [
            q('limit', 'At most this many (1 to 1000, default 100)'),
            q('after', 'The `next` of the previous page'),
          ],
          responses: {
            '200': {
              description: 'A page of jobs',
              ...json({
                type: 'object',
                properties: {
                  jobs: { type: 'array', items: ref('Job') },
                  next: { type: ['string', 'null'] },
                },
              }),
            },
            ...errors,
          },
        }),
      },
      '/api/v1/jobs/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: op('Progress of a job', {
          responses: { '200': { description: 'Job', ...json(ref('Job')) }, ...errors },
        }),
        delete: op('Abort a job; its staged work is removed', {
          responses: { '202': { description: 'Job', ...json(ref('Job')) }, ...errors },
        }),
      },
    },
  };
}
