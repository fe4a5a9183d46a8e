// The download links part of the OpenAPI document: a URL that reads one file without credentials until it expires.
import { err, errors, json, op } from './openapi-parts.ts';
import { linkBody } from './routes/links.ts';

const token = { name: 'token', in: 'path', required: true, schema: { type: 'string' } };
const content = {
  '200': { description: "The file's bytes, with Content-Disposition: attachment and its name" },
  '206': { description: 'Partial content' },
  '304': { description: 'Not modified' },
  '403': {
    description: 'The link is not valid, or has expired',
    ...json({ $ref: '#/components/schemas/Error' }),
  },
  '412': { ...err, description: "The file has another version now, or a condition of the request's failed" },
  '416': err,
};

export const linkPaths = {
  '/api/v1/projects/{project}/links': {
    parameters: [{ name: 'project', in: 'path', required: true, schema: { type: 'string' } }],
    post: op('A download link: a URL that reads one version of a file without credentials', {
      description:
        'The URL reads the version of the file that is current now (or versionId), wherever the file moves in its project, for linkTtlSeconds (an hour by default) and never past the bearer token it was asked with: it ends when that token does (a sign-out, a revoked key). Once the file has another version the link answers 412, and once it is deleted or expired 404; a link asked for with versionId reads that version while it exists, and one asked for at a snapshot reads the file as the snapshot holds it until the snapshot is deleted or expires (404). Anyone who has the URL reads the file as the caller would: hand it on only as you would the file. GET and HEAD on it take Range, If-Range and the conditional headers, so a download manager resumes it.',
      requestBody: json(linkBody),
      responses: {
        '201': {
          description: 'Link',
          ...json({
            type: 'object',
            properties: {
              url: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
              file: { type: 'object' },
            },
          }),
        },
        ...errors,
      },
    }),
  },
  '/api/v1/links/{token}': {
    parameters: [token],
    get: op("Read a download link's file (no credentials)", { security: [], responses: content }),
    head: op('The headers a GET of the link would send (no credentials)', {
      security: [],
      responses: content,
    }),
  },
};
