// POST /api/v1/copy: one file (whole or a byte range) gives a receipt; a directory tree gives 202 and a job.
import type { FastifyInstance } from 'fastify';
import { copyAny } from '../../../core/copy-any.ts';
import { StorageError } from '../../../core/errors.ts';
import type { CopyRequest } from '../../../core/model.ts';
import { instantOf, isoFields } from '../../common/date-time.ts';
import type { NativeDeps } from '../context.ts';
import { principalOf } from '../context.ts';
import { jobJson } from './jobs.ts';
import { headerText, labels, userMetadata } from './upload-schemas.ts';

const offset = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const str = { type: 'string', minLength: 1, maxLength: 1100 } as const;
/** One entity tag, or a list of which any matches. */
const etags = { anyOf: [str, { type: 'array', items: str, minItems: 1, maxItems: 100 }] } as const;

export const copyBody = {
  type: 'object',
  required: ['source', 'target'],
  additionalProperties: false,
  properties: {
    source: {
      type: 'object',
      required: ['project'],
      additionalProperties: false,
      properties: {
        project: str,
        // '' (or '/') is the whole project, copied as a tree.
        path: { type: 'string', maxLength: 1100 },
        id: str,
        versionId: str,
        snapshot: str,
        stream: { type: 'string', maxLength: 255 },
        offset,
        length: offset,
        ifMatch: etags,
        ifNoneMatch: etags,
        ifModifiedSince: { type: 'string', format: 'date-time' },
        ifUnmodifiedSince: { type: 'string', format: 'date-time' },
      },
    },
    target: {
      type: 'object',
      required: ['project', 'path'],
      additionalProperties: false,
      properties: {
        project: str,
        // '' (or '/') is the top of the project: where a tree copy may go.
        path: { type: 'string', maxLength: 1100 },
        stream: { type: 'string', maxLength: 255 },
        offset,
        ifMatch: etags,
        ifNoneMatch: etags,
      },
    },
    conflict: { type: 'string', enum: ['fail', 'overwrite', 'rename'] },
    metadata: {
      type: 'object',
      required: ['directive'],
      additionalProperties: false,
      properties: {
        directive: { type: 'string', enum: ['copy', 'replace', 'merge'] },
        contentType: headerText,
        contentDisposition: headerText,
        contentEncoding: headerText,
        cacheControl: headerText,
        userMetadata,
        tags: labels,
        properties: labels,
      },
    },
  },
} as const;

type Etags = string | string[];
type Body = Omit<CopyRequest, 'source' | 'target'> & {
  source: Omit<CopyRequest['source'], 'ifModifiedSince' | 'ifUnmodifiedSince' | 'ifMatch' | 'ifNoneMatch'> & {
    ifMatch?: Etags;
    ifNoneMatch?: Etags;
    ifModifiedSince?: string;
    ifUnmodifiedSince?: string;
  };
  target: Omit<CopyRequest['target'], 'ifMatch' | 'ifNoneMatch'> & { ifMatch?: Etags; ifNoneMatch?: Etags };
};

const list = (v: Etags | undefined) => (v === undefined || Array.isArray(v) ? v : [v]);

/**
 * A condition's time, whose form the schema has checked, as the instant it names (a leap second as 23:59:59.999 UTC
 * of its day); InvalidArgument for a time that does not exist, which Date would make an Invalid Date that no
 * condition compares against.
 */
function conditionTime(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  // The schema's date-time takes offsets without a colon too (`+0100`), as Date did: so does this.
  const fields = isoFields(value);
  const t = fields && instantOf(fields);
  if (t === undefined)
    throw new StorageError('InvalidArgument', `source.${name} is not a date-time that exists: '${value}'.`);
  return new Date(t);
}

export const copyRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Body }>('/api/v1/copy', { schema: { body: copyBody } }, async (request, reply) => {
    const principal = principalOf(request);
    const b = request.body;
    const req: CopyRequest = {
      ...b,
      source: {
        ...b.source,
        ifMatch: list(b.source.ifMatch),
        ifNoneMatch: list(b.source.ifNoneMatch),
        ifModifiedSince: conditionTime(b.source.ifModifiedSince, 'ifModifiedSince'),
        ifUnmodifiedSince: conditionTime(b.source.ifUnmodifiedSince, 'ifUnmodifiedSince'),
      },
      target: { ...b.target, ifMatch: list(b.target.ifMatch), ifNoneMatch: list(b.target.ifNoneMatch) },
    };
    const result = await copyAny(deps.core, principal, req, { sourceNeed: 'copy' });
    if ('receipt' in result) return reply.code(201).send(result.receipt);
    return reply
      .code(202)
      .header('location', `/api/v1/jobs/${result.job.id}`)
      .send({ job: jobJson(result.job) });
  });
};
