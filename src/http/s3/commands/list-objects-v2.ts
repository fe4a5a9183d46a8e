// ListObjectsV2: GET /bucket?list-type=2 — prefix, delimiter, continuation-token, start-after, max-keys,
// encoding-type=url and fetch-owner.

import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendXml } from '../context.ts';
import { type ListParams, listPage } from './list-page.ts';

export const listObjectsV2: S3Command = {
  name: 'ListObjectsV2',
  async handle(ctx: S3Context) {
    const token = ctx.query.get('continuation-token');
    const startAfter = ctx.query.get('start-after');
    const params: ListParams = {
      after: token !== undefined ? decodeToken(token) : startAfter,
      fetchOwner: ctx.query.get('fetch-owner') === 'true',
    };
    const page = await listPage(ctx, params);
    return sendXml(ctx, 200, 'ListBucketResult', {
      Name: page.bucket,
      Prefix: page.enc(page.prefix),
      Delimiter: page.delimiter ? page.enc(page.delimiter) : undefined,
      MaxKeys: page.maxKeys,
      EncodingType: page.encodingType,
      KeyCount: page.keyCount + page.prefixes.length,
      IsTruncated: page.truncated,
      ContinuationToken: token,
      NextContinuationToken: page.truncated && page.next ? encodeToken(page.next) : undefined,
      StartAfter: startAfter !== undefined ? page.enc(startAfter) : undefined,
      Contents: page.contents,
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: page.enc(p) })),
    });
  },
};

const encodeToken = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
function decodeToken(t: string): string {
  return Buffer.from(t, 'base64url').toString('utf8');
}
