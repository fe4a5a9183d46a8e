// ListObjects (version 1): GET /bucket — prefix, delimiter, marker, max-keys, encoding-type=url.

import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { listPage } from './list-page.ts';

export const listObjects: S3Command = {
  name: 'ListObjects',
  async handle(ctx: S3Context) {
    // list-type=2 is ListObjectsV2, routed before this. S3 has no other list type, and a client that asked for one
    // would misread a v1 listing, so the argument is refused, as an encoding-type S3 does not have is.
    const listType = ctx.query.get('list-type');
    if (listType !== undefined)
      throw new S3Error(
        'InvalidArgument',
        400,
        'list-type must be 2 (ListObjectsV2), or absent (ListObjects).',
        {
          fields: { ArgumentName: 'list-type', ArgumentValue: listType },
        },
      );
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
