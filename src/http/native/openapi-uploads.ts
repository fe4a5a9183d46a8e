// The multipart upload and version listing part of the OpenAPI document.

import { err, errors, json, op, q, ref } from './openapi-parts.ts';
import { completeBody, createBody } from './routes/upload-schemas.ts';

/** A listing by path prefix, a page at a time. */
const byPathPages = [
  q('prefix', 'Path prefix'),
  q('after', "The previous page's next"),
  q('limit', '1 to 1000 (default 1000)', 'integer'),
];

const projectParam = { name: 'project', in: 'path', required: true, schema: { type: 'string' } };
const uploadParam = { name: 'uploadId', in: 'path', required: true, schema: { type: 'string' } };
const checksums = { type: 'object', additionalProperties: { type: 'string' } };

const upload = {
  uploadId: { type: 'string' },
  project: { type: 'string' },
  path: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
};

export const uploadSchemas = {
  Upload: { type: 'object', properties: upload },
  Part: {
    type: 'object',
    properties: {
      partNumber: { type: 'integer', minimum: 1, maximum: 10000 },
      etag: { type: 'string', description: 'The hex MD5 of the part' },
      size: { type: 'integer' },
      checksums,
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  CreateUploadRequest: createBody,
  CompleteUploadRequest: completeBody,
};

const next = (what: string) => ({ type: ['string', 'null'], description: `Give it as after for ${what}` });

export const uploadPaths = {
  '/api/v1/projects/{project}/uploads': {
    parameters: [projectParam],
    post: op('Start a multipart upload to a path; the content attributes are the completed file’s', {
      requestBody: json(ref('CreateUploadRequest')),
      responses: {
        '201': {
          description: 'The upload, and the smallest size of a part but the last',
          ...json({
            type: 'object',
            properties: { ...upload, minPartSize: { type: 'integer' } },
          }),
        },
        ...errors,
      },
    }),
    get: op('Uploads in progress by path, a page at a time', {
      parameters: byPathPages,
      responses: {
        '200': {
          description: 'A page of uploads',
          ...json({
            type: 'object',
            properties: { uploads: { type: 'array', items: ref('Upload') }, next: next('the next page') },
          }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/projects/{project}/uploads/{uploadId}': {
    parameters: [projectParam, uploadParam],
    get: op('The upload and its parts so far, by number: what a client resumes from', {
      parameters: [
        q('after', 'List parts after this part number (the previous page’s next)', 'integer'),
        q('limit', '1 to 1000 (default 1000)', 'integer'),
      ],
      responses: {
        '200': {
          description: 'The upload and a page of its parts',
          ...json({
            type: 'object',
            properties: { ...upload, parts: { type: 'array', items: ref('Part') }, next: next('more parts') },
          }),
        },
        ...errors,
      },
    }),
    delete: op('Abort the upload; its parts are discarded', {
      responses: { '204': { description: 'Aborted' }, ...errors },
    }),
  },
  '/api/v1/projects/{project}/uploads/{uploadId}/parts/{partNumber}': {
    parameters: [
      projectParam,
      uploadParam,
      {
        name: 'partNumber',
        in: 'path',
        required: true,
        schema: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    ],
    put: op('Upload a part (raw body, any Content-Type); sent again, it replaces the part', {
      parameters: [{ name: 'Content-MD5', in: 'header', required: false, schema: { type: 'string' } }],
      requestBody: {
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      },
      responses: { '200': { description: 'The part', ...json(ref('Part')) }, ...errors },
    }),
  },
  '/api/v1/projects/{project}/uploads/{uploadId}/complete': {
    parameters: [projectParam, uploadParam],
    post: op('Complete the upload from the listed parts, in ascending order; no byte is copied', {
      parameters: [
        { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } },
        { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
      ],
      requestBody: json(ref('CompleteUploadRequest')),
      responses: {
        '201': { description: 'File', ...json(ref('File')) },
        '412': err,
        ...errors,
      },
    }),
  },
  '/api/v1/projects/{project}/versions': {
    parameters: [projectParam],
    get: op('Every kept version and delete marker, by path and newest first, a page at a time', {
      parameters: byPathPages,
      responses: {
        '200': {
          description: 'A page of versions; read one with GET files/{path}?versionId=',
          ...json({
            type: 'object',
            properties: { versions: { type: 'array', items: ref('File') }, next: next('the next page') },
          }),
        },
        ...errors,
      },
    }),
  },
};
