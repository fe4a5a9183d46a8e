// The XML body of a request that configures something or names objects (tagging, versioning, encryption, ACLs,
// DeleteObjects), checked against what the request says of its bytes: Content-MD5, and an x-amz-checksum-* header,
// which current SDKs send instead. CompleteMultipartUpload is not one: its checksum headers are the object's.
import { createHash } from 'node:crypto';
import { Crc64Nvme, crc64ToBase64 } from '../../../core/checksums/crc64nvme.ts';
import { type ExtraAlgorithm, incremental } from '../../../core/checksums/extra.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { parseXmlBody, readXmlBytes, type XmlRecord } from '../xml.ts';
import { checkedChecksum, requestedAlgorithm, type S3Algorithm } from './common.ts';

function checksumOf(alg: S3Algorithm, bytes: Uint8Array): string {
  if (alg === 'sha256') return createHash('sha256').update(bytes).digest('base64');
  if (alg === 'crc64nvme') return crc64ToBase64(new Crc64Nvme().update(bytes).digestBigInt());
  const h = incremental(alg as ExtraAlgorithm);
  h.update(bytes);
  return h.digest();
}

/**
 * The body's bytes, verified: a Content-MD5 or a checksum header that does not match is 400 BadDigest. With
 * `integrity`, a body that comes with neither is 400 InvalidRequest, as S3 answers DeleteObjects.
 */
export async function readRequestXmlBytes(
  ctx: S3Context,
  o: { maxBytes?: number; integrity?: boolean } = {},
): Promise<Buffer> {
  const contentMd5 = ctx.headers['content-md5'];
  const alg = requestedAlgorithm(ctx.headers);
  const header = alg && ctx.headers[`x-amz-checksum-${alg}`];
  if (alg && header) checkedChecksum(alg, header);
  const bytes = await readXmlBytes(ctx.body, { maxBytes: o.maxBytes, contentMd5 });
  // In a header, or in a trailer of an aws-chunked body (there once the body has been read).
  const sent = alg ? (header ?? ctx.trailers[`x-amz-checksum-${alg}`]) : undefined;
  if (o.integrity && contentMd5 === undefined && !sent)
    throw new S3Error(
      'InvalidRequest',
      400,
      'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    );
  if (alg && sent && checksumOf(alg, bytes) !== checkedChecksum(alg, sent))
    throw new S3Error(
      'BadDigest',
      400,
      `The ${alg.toUpperCase()} you specified did not match the calculated checksum.`,
    );
  return bytes;
}

/** readRequestXmlBytes, parsed (see parseXmlBody). */
export async function readRequestXml(ctx: S3Context, o: { maxBytes?: number } = {}): Promise<XmlRecord> {
  return parseXmlBody(await readRequestXmlBytes(ctx, o));
}
