// GetBucketLocation: GET /bucket?location — empty for us-east-1, as S3 answers.
import { getProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { xmlDocument } from '../xml.ts';
import { bucketOf } from './common.ts';

export const getBucketLocation: S3Command = {
  name: 'GetBucketLocation',
  async handle(ctx: S3Context) {
    await getProject(ctx.deps.core, { principal: ctx.principal, need: 'read' }, bucketOf(ctx));
    const region = ctx.deps.region === 'us-east-1' ? '' : ctx.deps.region;
    const body = xmlDocument('LocationConstraint', {}, { namespace: ctx.flavor.xml.namespace }).replace(
      '></LocationConstraint>',
      `>${region}</LocationConstraint>`,
    );
    return ctx.reply.code(200).type('application/xml').send(body);
  },
};
