// PutBucketVersioning: PUT /bucket?versioning with <VersioningConfiguration><Status>Enabled|Suspended</Status>.
import { setVersioning } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { isRecord, token } from '../xml.ts';
import { bucketOf } from './common.ts';
import { readRequestXml } from './request-xml.ts';

export const putBucketVersioning: S3Command = {
  name: 'PutBucketVersioning',
  async handle(ctx: S3Context) {
    const doc = await readRequestXml(ctx);
    const conf = doc['VersioningConfiguration'];
    const status = isRecord(conf) ? token(conf['Status']) : undefined;
    if (isRecord(conf) && token(conf['MfaDelete']) === 'Enabled')
      throw new S3Error('NotImplemented', 501, 'MFA delete is not implemented.');
    if (status !== 'Enabled' && status !== 'Suspended') {
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    }
    await setVersioning(
      ctx.deps.core,
      ctx.principal,
      bucketOf(ctx),
      status === 'Enabled' ? 'enabled' : 'suspended',
    );
    return ctx.reply.code(200).send();
  },
};
