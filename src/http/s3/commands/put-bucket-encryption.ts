// PutBucketEncryption: PUT /bucket?encryption with one rule: SSEAlgorithm AES256, or aws:kms and a KMSMasterKeyID.
import { setDefaultEncryption } from '../../../core/default-encryption.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { isRecord, token } from '../xml.ts';
import { bucketOf } from './common.ts';
import { readRequestXml } from './request-xml.ts';
import { kmsKeyName } from './sse.ts';

const malformed = () =>
  new S3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );

export const putBucketEncryption: S3Command = {
  name: 'PutBucketEncryption',
  async handle(ctx: S3Context) {
    const doc = await readRequestXml(ctx);
    const conf = doc['ServerSideEncryptionConfiguration'];
    const rule = isRecord(conf) ? conf['Rule'] : undefined;
    if (!isRecord(rule)) throw malformed();
    const by = rule['ApplyServerSideEncryptionByDefault'];
    const algorithm = isRecord(by) ? token(by['SSEAlgorithm']) : undefined;
    const keyId = isRecord(by) ? by['KMSMasterKeyID'] : undefined;
    if (algorithm !== 'AES256' && algorithm !== 'aws:kms') {
      if (algorithm === 'aws:kms:dsse')
        throw new S3Error('NotImplemented', 501, 'Dual-layer SSE-KMS is not implemented.');
      throw malformed();
    }
    if (keyId !== undefined && (algorithm !== 'aws:kms' || typeof keyId !== 'string'))
      throw new S3Error('InvalidArgument', 400, 'KMSMasterKeyID is allowed only with SSEAlgorithm aws:kms.');
    await setDefaultEncryption(ctx.deps.core, ctx.principal, bucketOf(ctx), {
      sse: algorithm,
      kmsKey: typeof keyId === 'string' ? kmsKeyName(token(keyId)!) : undefined,
    });
    return ctx.reply.code(200).send();
  },
};
