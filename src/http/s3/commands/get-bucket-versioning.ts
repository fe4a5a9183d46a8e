// GetBucketVersioning: GET /bucket?versioning — Status is absent until versioning was ever enabled.
import { getProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { bucketOf } from './common.ts';

export const getBucketVersioning: S3Command = {
  name: 'GetBucketVersioning',
  async handle(ctx: S3Context) {
    const p = await getProject(ctx.deps.core, { principal: ctx.principal, need: 'read' }, bucketOf(ctx));
    const status =
      p.versioning === 'enabled' ? 'Enabled' : p.versioning === 'suspended' ? 'Suspended' : undefined;
    return sendXml(ctx, 200, 'VersioningConfiguration', { Status: status });
  },
};
