// UploadPartCopy: PUT /bucket/key?partNumber=N&uploadId=ID with x-amz-copy-source[-range] — by reference.

import { uploadPartCopy } from '../../../core/multipart.ts';
import type { S3Command } from '../command.ts';
import { isoDate, quoted, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { bucketOf, checksumValue, keyOf, partNumberOf } from './common.ts';
import { copySourceConditions, parseCopySource, refuseBody, refuseMarkerSource } from './copy-source.ts';
import { copySourceUnlock, requestUnlock, sseHeaders } from './sse.ts';

/** `bytes=first-last`, both required, as S3 wants for x-amz-copy-source-range. */
export function parseCopyRange(value: string | undefined): { first: number; last: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m)
    throw new S3Error(
      'InvalidArgument',
      400,
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
    );
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) {
    throw new S3Error(
      'InvalidArgument',
      400,
      last < first
        ? 'The x-amz-copy-source-range is not valid: the last byte is before the first.'
        : 'The x-amz-copy-source-range is not valid: an offset is past the end of any object.',
    );
  }
  return { first, last };
}

export const uploadPartCopyCommand: S3Command = {
  name: 'UploadPartCopy',
  async handle(ctx: S3Context) {
    await refuseBody(ctx);
    const src = parseCopySource(ctx.headers['x-amz-copy-source']!, ctx.flavor.opaqueVersionIds);
    const part = await uploadPartCopy(ctx.deps.core, ctx.principal, {
      project: bucketOf(ctx),
      path: keyOf(ctx),
      uploadId: ctx.query.get('uploadId')!,
      partNumber: partNumberOf(ctx),
      source: {
        project: src.bucket,
        path: src.key,
        versionId: src.versionId,
        range: parseCopyRange(ctx.headers['x-amz-copy-source-range']),
        conditions: copySourceConditions(ctx),
        unlock: copySourceUnlock(ctx),
      },
      unlock: requestUnlock(ctx),
      maxLength: ctx.flavor.maxCopyPartSize,
      // A current delete marker is NoSuchKey already; one named by versionId is refused.
    }).catch(refuseMarkerSource);
    sseHeaders(ctx, part.upload);
    if (part.sourceVersionId !== 'null')
      ctx.reply.header('x-amz-copy-source-version-id', part.sourceVersionId);
    const crc = checksumValue(part.checksums, 'crc64nvme');
    return sendXml(ctx, 200, 'CopyPartResult', {
      ETag: quoted(part.etag),
      LastModified: isoDate(part.createdAt),
      ChecksumCRC64NVME: crc,
    });
  },
};
