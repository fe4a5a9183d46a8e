// HeadObject: HEAD /bucket/key — the headers GET would send, without the body.

import { resolveRange } from '../../../core/ranges.ts';
import { stat } from '../../../core/read.ts';
import { parseConditions, parseRange } from '../../common/conditions.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
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

export const headObject: S3Command = {
  name: 'HeadObject',
  async handle(ctx: S3Context) {
    checkPartRead(ctx);
    const v = await stat(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: versionIdOf(ctx),
      conditions: parseConditions(ctx.headers),
      unlock: requestUnlock(ctx),
    });
    const part = ctx.query.has('partNumber') ? partRange(v, partNumberOf(ctx)) : undefined;
    if (ctx.query.has('partNumber')) ctx.reply.header('x-amz-mp-parts-count', v.partSizes?.length ?? 1);
    const range = resolveRange(part ?? parseRange(ctx.headers['range']), v.size);
    objectHeaders(ctx, v, {
      checksums: !range && ctx.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED',
    });
    if (range) {
      return ctx.reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end - 1}/${v.size}`)
        .header('content-length', range.end - range.start)
        .send();
    }
    return ctx.reply.code(200).header('content-length', v.size).send();
  },
};
