// ListParts: GET /bucket/key?uploadId=ID — part-number-marker and max-parts.
import { ownerOf } from '../../../auth/principals.ts';
import { listParts } from '../../../core/multipart.ts';
import type { S3Command } from '../command.ts';
import { isoDate, quoted, type S3Context, sendXml } from '../context.ts';
import { bucketOf, checksumValue, keyOf, queryInt, type S3Algorithm } from './common.ts';

export const listPartsCommand: S3Command = {
  name: 'ListParts',
  async handle(ctx: S3Context) {
    const marker = queryInt(ctx, 'part-number-marker', { fallback: 0, min: 0 });
    const max = queryInt(ctx, 'max-parts', { fallback: 1000, min: 0 });
    const r = await listParts(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      uploadId: ctx.query.get('uploadId')!,
      after: marker,
      limit: Math.min(max, 1000),
    });
    const last = r.parts[r.parts.length - 1];
    const algorithm = r.upload.attributes.checksumAlgorithm as S3Algorithm | undefined;
    const initiator = await ownerOf(ctx.deps, r.upload.principalId);
    return sendXml(ctx, 200, 'ListPartsResult', {
      Bucket: r.upload.project,
      Key: r.upload.path,
      UploadId: r.upload.id,
      Initiator: initiator,
      Owner: initiator,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: r.truncated && last ? last.partNumber : undefined,
      MaxParts: max,
      IsTruncated: r.truncated,
      Part: r.parts.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: isoDate(p.createdAt),
        ETag: quoted(p.etag),
        Size: p.size,
        ...(algorithm && algorithm !== 'crc64nvme'
          ? { [`Checksum${algorithm.toUpperCase()}`]: checksumValue(p.checksums, algorithm) }
          : {}),
        ChecksumCRC64NVME: p.checksums.crc64nvme,
      })),
    });
  },
};
