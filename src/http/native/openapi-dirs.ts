// The directory part of the OpenAPI document: directories, their children, moves and entries by id.

import { err, errors, json, op, q, ref } from './openapi-parts.ts';
import { moveBody } from './routes/dirs.ts';

const params = [
  { name: 'project', in: 'path', required: true, schema: { type: 'string' } },
  {
    name: 'path',
    in: 'path',
    required: true,
    description: 'Directory path, / separated',
    schema: { type: 'string' },
  },
];

export const dirSchemas = {
  Entry: {
    type: 'object',
    description:
      'A file or a directory. Its id, and each of its ids on the wire, stay the same for its whole life.',
    properties: {
      id: {
        type: 'string',
        description:
          'The row id: f... for a file, d... for a directory, p... for a project; root for the tree root (2)',
      },
      ids: {
        type: 'object',
        description:
          'The same entry in each dialect: decimal (Qumulo), 24 hex digits (Seven Bridges), UUID (SAS)',
        properties: { decimal: { type: 'string' }, hex: { type: 'string' }, uuid: { type: 'string' } },
      },
      type: { type: 'string', enum: ['file', 'directory'] },
      project: { type: 'string' },
      path: { type: 'string' },
      parent: { type: 'string', description: "The directory's path, '' at the project's root" },
      name: { type: 'string' },
      size: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
      modifiedAt: { type: 'string', format: 'date-time' },
      owner: { type: ['string', 'null'] },
      mode: { type: ['integer', 'null'], description: "A directory's mode bits" },
      etag: { type: ['string', 'null'] },
      versionId: { type: ['string', 'null'] },
      contentType: { type: ['string', 'null'] },
    },
  },
  MoveRequest: moveBody,
};

const page = {
  type: 'object',
  properties: { entries: { type: 'array', items: ref('Entry') }, next: { type: ['string', 'null'] } },
};
const listing = op("A directory's children by name (a directory before a file of the same name), paged", {
  parameters: [
    q('limit', 'Entries per page, 1 to 10000 (default 1000)'),
    q('after', 'The next cursor of the previous page'),
    q('snapshot', 'List as of a snapshot: its id, number or name'),
  ],
  responses: { '200': { description: 'A page', ...json(page) }, ...errors },
});

export const dirPaths = {
  '/api/v1/projects/{project}/dirs': {
    parameters: [params[0]],
    get: listing,
  },
  '/api/v1/projects/{project}/dirs/{path}': {
    parameters: params,
    put: op('Make a directory (mkdir; with parents=true, mkdir -p)', {
      parameters: [
        q('parents', 'true: make missing parents, and an existing directory is no error'),
        q('mode', 'Octal mode bits (default 755)'),
      ],
      responses: {
        '201': { description: 'Made', ...json(ref('Entry')) },
        '200': { description: 'Already there (parents=true)', ...json(ref('Entry')) },
        ...errors,
      },
    }),
    get: listing,
    delete: op('Remove an empty directory, or with recursive=true the whole tree as a job', {
      parameters: [
        q('recursive', 'true: delete every file (as single deletes would) and directory below, as a job'),
      ],
      responses: {
        '204': { description: 'Removed' },
        '202': {
          description: 'A tree-delete job',
          ...json({ type: 'object', properties: { job: ref('Job') } }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/move': {
    post: op('Move or rename a file or a directory (with its whole subtree, atomically), keeping its id', {
      description:
        "A source path ending in / names a directory; otherwise a file there, or else a directory. conflict: fail (409), overwrite (a file, or an empty directory, at the target goes) or rename ('name (1)'). ifMatch applies to a file's ETag. Write on both projects; controlled data never lands in an open project. A directory cannot move into itself (400).",
      requestBody: json(ref('MoveRequest')),
      responses: { '200': { description: 'The moved entry', ...json(ref('Entry')) }, '412': err, ...errors },
    }),
  },
  '/api/v1/entries/{id}': {
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'Any id shape: row id, decimal, 24 hex digits or UUID',
        schema: { type: 'string' },
      },
    ],
    get: op('A file or directory by an id of any shape', {
      responses: { '200': { description: 'Entry', ...json(ref('Entry')) }, ...errors },
    }),
  },
};
