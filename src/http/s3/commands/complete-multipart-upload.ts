// CompleteMultipartUpload: POST /bucket/key?uploadId=ID with the part list — concatenates manifests, moves no bytes.

import { PART_ALGORITHMS, type PartAlgorithm } from '../../../core/multipart-checksums.ts';
import { completeUpload } from '../../../core/multipart-complete.ts';
import { externalBase } from '../../common/request-context.ts';
import type { S3Command } from '../command.ts';
import { quoted, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { isRecord, many, readXml, token } from '../xml.ts';
import { bucketOf, checksumElements, keyOf, refusingOverwrite, writeConditions } from './common.ts';
import { sseHeaders } from './sse.ts';

/** A key as S3 writes it in a Location: form-encoded (a space as '+', '/' as %2F), as Java's URLEncoder does. */
const formEncoded = (s: string) =>
  encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The new object's URL as the client addressed it: the bucket in the host or in the path, the key form-encoded. A
 * host that makes no URL gives the path alone (the upload is done; its answer is not refused for a Location).
 */
function locationOf(ctx: S3Context, bucket: string, key: string): string {
  const path = `${ctx.virtualHosted ? '' : `/${bucket}`}/${formEncoded(key)}`;
  let base: string;
  try {
    base = externalBase(ctx.reply.request);
  } catch {
    return path;
  }
  return ctx.flavor.xml.locationScheme ? `${base}${path}` : `${base.replace(/^[a-z]+:\/\//, '')}${path}`;
}

export const completeMultipartUpload: S3Command = {
  name: 'CompleteMultipartUpload',
  async handle(ctx: S3Context) {
    const doc = await readXml(ctx.body, { contentMd5: ctx.headers['content-md5'] });
    const list = doc['CompleteMultipartUpload'];
    const parts = many(isRecord(list) ? list['Part'] : undefined).map((p) => {
      const number = isRecord(p) ? token(p['PartNumber']) : undefined;
      const etag = isRecord(p) ? token(p['ETag']) : undefined;
      if (!isRecord(p) || number === undefined || !/^[0-9]{1,5}$/.test(number) || etag === undefined) {
        throw new S3Error(
          'MalformedXML',
          400,
          'The XML you provided was not well-formed or did not validate against our published schema.',
        );
      }
      const checksums: Partial<Record<PartAlgorithm, string>> = {};
      for (const a of PART_ALGORITHMS) {
        const v = token(p[`Checksum${a.toUpperCase()}`]);
        if (v !== undefined) checksums[a] = v;
      }
      return { partNumber: Number(number), etag, checksums };
    });
    const declared: Partial<Record<PartAlgorithm, string>> = {};
    for (const a of PART_ALGORITHMS) {
      const v = ctx.headers[`x-amz-checksum-${a}`];
      if (v !== undefined) declared[a] = v;
    }
    if (parts.length === 0)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    const v = await refusingOverwrite(
      ctx,
      completeUpload(ctx.deps.core, ctx.principal, {
        project: bucketOf(ctx),
        path: keyOf(ctx),
        uploadId: ctx.query.get('uploadId')!,
        parts,
        minPartSize: Math.min(ctx.deps.minPartSize, ctx.flavor.minPartSize ?? Number.POSITIVE_INFINITY),
        consecutive: ctx.flavor.consecutiveParts,
        conditions: writeConditions(ctx),
        checksums: { type: ctx.headers['x-amz-checksum-type'], object: declared },
      }),
    );
    if (v.versionId !== 'null') ctx.reply.header('x-amz-version-id', v.versionId);
    sseHeaders(ctx, v);
    return sendXml(ctx, 200, 'CompleteMultipartUploadResult', {
      Location: locationOf(ctx, v.project, v.path),
      Bucket: v.project,
      Key: v.path,
      ETag: quoted(v.etag),
      ...checksumElements(v.checksums),
    });
  },
};
