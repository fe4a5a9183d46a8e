// PutObjectTagging: PUT /bucket/key?tagging with <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>.
import { setLabels } from '../../../core/write.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import type { S3Command } from '../router.ts';
import { many, readXml } from '../xml.ts';
import { bucketOf, keyOf, validateTags } from './common.ts';

export const putObjectTagging: S3Command = {
  name: 'PutObjectTagging',
  matches: (ctx) => ctx.method === 'PUT' && ctx.key !== undefined && ctx.query.has('tagging'),
  async handle(ctx: S3Context) {
    const doc = await readXml(ctx.body);
    const set = (doc['Tagging'] as Record<string, unknown> | undefined)?.['TagSet'];
    if (set === undefined)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    const tags: Record<string, string> = {};
    for (const t of many(
      (set as Record<string, unknown> | '')?.constructor === Object
        ? (set as Record<string, unknown>)['Tag']
        : undefined,
    ) as { Key?: unknown; Value?: unknown }[]) {
      if (typeof t?.Key !== 'string') throw new S3Error('MalformedXML', 400, 'Every Tag needs a Key.');
      if (t.Key in tags)
        throw new S3Error('InvalidTag', 400, 'Cannot provide multiple Tags with the same key.');
      tags[t.Key] = typeof t.Value === 'string' ? t.Value : '';
    }
    validateTags(tags);
    const v = await setLabels(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      versionId: ctx.query.get('versionId'),
      tags,
    });
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    return ctx.reply.code(200).send();
  },
};
