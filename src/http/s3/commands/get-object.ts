// GetObject: GET /bucket/key — single ranges, conditionals, versionId, ChecksumMode and response-* overrides.

import { openRead, stat } from '../../../core/read.ts';
import { sendRead } from '../../common/body-stream.ts';
import { parseConditions, parseRange } from '../../common/conditions.ts';
import { setContentType } from '../../common/content-type.ts';
import { isHeaderValue } from '../../common/header-text.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import {
  bucketOf,
  checkPartRead,
  keyOf,
  objectHeaders,
  partNumberOf,
  partRange,
  versionIdOf,
} from './common.ts';
import { requestUnlock } from './sse.ts';

const OVERRIDES: [string, string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

export const getObject: S3Command = {
  name: 'GetObject',
  async handle(ctx: S3Context) {
    checkPartRead(ctx);
    // Every override goes out as a header: one that cannot is refused before anything is read. An anonymous reader
    // may not set them (S3 and COS refuse them unsigned): anyone could have a public object served as HTML.
    for (const [q] of OVERRIDES) {
      const v = ctx.query.get(q);
      if (v !== undefined && ctx.principal.isAnonymous)
        throw new S3Error(
          'InvalidRequest',
          400,
          'Request specific response headers cannot be used for anonymous GET requests.',
        );
      if (v !== undefined && !isHeaderValue(v))
        throw new S3Error('InvalidArgument', 400, 'Header value cannot be represented using ISO-8859-1.', {
          fields: { ArgumentName: q, ArgumentValue: v },
        });
    }
    const unlock = requestUnlock(ctx);
    let versionId = versionIdOf(ctx);
    let range = parseRange(ctx.headers['range']);
    let parts: number | undefined;
    if (ctx.query.has('partNumber')) {
      // The part's range comes from the version read first; the read is pinned to that version.
      const v = await stat(ctx.deps.core, ctx.principal, {
        project: bucketOf(ctx),
        path: keyOf(ctx),
        versionId,
        unlock,
      });
      versionId = v.versionId;
      range = partRange(v, partNumberOf(ctx));
      parts = v.partSizes?.length ?? 1;
    }
    const read = await openRead(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionId === 'null' && !ctx.query.has('versionId') ? undefined : versionId,
      conditions: parseConditions(ctx.headers),
      range,
      unlock,
      signal: ctx.signal,
    });
    if (parts !== undefined) ctx.reply.header('x-amz-mp-parts-count', parts);
    const whole = !read.range;
    objectHeaders(ctx, read.version, {
      checksums: whole && ctx.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED',
    });
    for (const [q, h] of OVERRIDES) {
      const v = ctx.query.get(q);
      if (v === undefined) continue;
      if (h === 'content-type') setContentType(ctx.reply, v);
      else ctx.reply.header(h, v);
    }
    return sendRead(ctx.reply, read);
  },
};
