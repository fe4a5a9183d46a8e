// ListObjects (version 1): GET /bucket — prefix, delimiter, marker, max-keys, encoding-type=url.

import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendXml } from '../context.ts';
import { listPage } from './list-page.ts';

export const listObjects: S3Command = {
  name: 'ListObjects',
  async handle(ctx: S3Context) {
    const marker = ctx.query.get('marker');
    const page = await listPage(ctx, { after: marker, fetchOwner: true });
    return sendXml(ctx, 200, 'ListBucketResult', {
      Name: page.bucket,
      Prefix: page.enc(page.prefix),
      Marker: marker !== undefined ? page.enc(marker) : '',
      NextMarker: page.truncated && page.next ? page.enc(page.next) : undefined,
      Delimiter: page.delimiter ? page.enc(page.delimiter) : undefined,
      MaxKeys: page.maxKeys,
      EncodingType: page.encodingType,
      IsTruncated: page.truncated,
      Contents: page.contents,
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: page.enc(p) })),
    });
  },
};
