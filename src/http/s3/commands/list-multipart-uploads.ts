// ListMultipartUploads: GET /bucket?uploads — prefix, delimiter, key-marker, upload-id-marker, max-uploads,
// encoding-type=url.
import { ownerOf } from '../../../auth/principals.ts';
import { listUploads } from '../../../core/upload-list.ts';
import type { S3Command } from '../command.ts';
import { isoDate, type S3Context, sendXml } from '../context.ts';
import { bucketOf, queryInt } from './common.ts';
import { listEncoding } from './list-page.ts';

export const listMultipartUploads: S3Command = {
  name: 'ListMultipartUploads',
  async handle(ctx: S3Context) {
    const max = queryInt(ctx, 'max-uploads', { fallback: 1000, min: 1 });
    const { enc, encodingType } = listEncoding(ctx);
    const keyMarker = ctx.query.get('key-marker') || undefined;
    const prefix = ctx.query.get('prefix');
    const delimiter = ctx.query.get('delimiter') || undefined;
    const idMarker = ctx.query.get('upload-id-marker') || undefined;
    const r = await listUploads(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      prefix,
      delimiter,
      afterKey: keyMarker,
      afterId: idMarker,
      limit: Math.min(max, 1000),
    });
    const owners = new Map<string, { ID: string; DisplayName: string }>();
    for (const u of r.uploads)
      if (!owners.has(u.principalId)) owners.set(u.principalId, await ownerOf(ctx.deps, u.principalId));
    return sendXml(ctx, 200, 'ListMultipartUploadsResult', {
      Bucket: bucketOf(ctx),
      KeyMarker: enc(keyMarker ?? ''),
      UploadIdMarker: idMarker ?? '',
      NextKeyMarker: r.truncated && r.next ? enc(r.next.key) : undefined,
      NextUploadIdMarker: r.truncated && r.next?.id ? r.next.id : undefined,
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      Prefix: prefix !== undefined ? enc(prefix) : undefined,
      MaxUploads: max,
      EncodingType: encodingType,
      IsTruncated: r.truncated,
      Upload: r.uploads.map((u) => ({
        Key: enc(u.path),
        UploadId: u.id,
        Initiator: owners.get(u.principalId),
        Owner: owners.get(u.principalId),
        StorageClass: 'STANDARD',
        Initiated: isoDate(u.createdAt),
      })),
      CommonPrefixes: r.prefixes.map((p) => ({ Prefix: enc(p) })),
    });
  },
};
