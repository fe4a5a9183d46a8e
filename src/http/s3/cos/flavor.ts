// Where COS differs from S3, in one place: the S3 handler and its commands read these and exist once.
import { type Flavor, S3_FLAVOR } from '../flavor.ts';
import { cosAddress, cosHostRegion } from './address.ts';
import { cosAuthenticate } from './auth.ts';
import { cosCopySource } from './copy-source.ts';

export const COS_FLAVOR: Flavor = {
  name: 'cos',
  // x-cos-meta-*, x-cos-copy-source*, x-cos-version-id, x-cos-server-side-encryption... are S3's under COS's prefix.
  headerPrefix: 'x-cos-',
  address: (host, rawPath, deps) => cosAddress(host, rawPath, deps.cosDomains),
  hostRegion: cosHostRegion,
  // S3's copy source on a COS request is refused: COS names it in x-cos-copy-source only.
  foreign: { prefix: 'x-amz-', name: "S3's" },
  authenticate: cosAuthenticate,
  // COS "PUT Object - Copy": x-cos-metadata-directive is Copy or Replaced (S3: COPY or REPLACE).
  headerValues: { 'x-amz-metadata-directive': { copy: 'COPY', replaced: 'REPLACE' } },
  copySource: cosCopySource,
  // COS "Complete Multipart Upload": every part but the last is at least 1 MB (S3: 5 MiB).
  minPartSize: 1024 * 1024,
  // COS "Upload Part - Copy": a part copy is 1 MB to 5 GB; past 5 GB it is refused (EntityTooLarge).
  maxCopyPartSize: 5 * 1024 ** 3,
  // COS "Upload Part - Copy": If-Match pairs only with If-Unmodified-Since, If-None-Match with If-Modified-Since.
  pairedCopyConditions: true,
  // COS "DELETE Bucket": a bucket with incomplete multipart uploads cannot be deleted (409 BucketNotEmpty).
  uploadsKeepBucket: true,
  // COS "Complete Multipart Upload": part numbers that are not continuous are 400 InvalidPart.
  consecutiveParts: true,
  // COS "PUT Object", "PUT Object - Copy", "Complete Multipart Upload": x-cos-forbid-overwrite: true.
  forbidOverwrite: 'x-amz-forbid-overwrite',
  // COS "PUT Object - Copy": an unknown versionId in the source is 404 NoSuchVersion, whatever its shape (an empty
  // one names no version: 400 InvalidArgument, as S3 answers).
  opaqueVersionIds: true,
  // COS "APPEND Object" (POST /key?append&position=N) is not built: refused rather than answered 405.
  unsupported: ['append'],
  // COS's documents (CopyPartResult, CompleteMultipartUploadResult...) have no namespace and no checksum elements,
  // and write an ETag's quotes as they are: `<ETag>"ba82b57c..."</ETag>`.
  xml: { namespace: false, checksums: false, escapeQuotes: false, locationScheme: false },
};

const {
  authenticate: _cosSignature,
  copySource: _cosSource,
  headerValues: _cosValues,
  ...COS_RULES
} = COS_FLAVOR;

/**
 * A request on a COS host signed with AWS's schemes: an AWS SDK pointed at COS, as Tencent documents. COS's rules
 * hold (part sizes, consecutive parts, uploads that keep a bucket, opaque version ids), on S3's wire: S3's headers
 * both ways (`x-amz-meta-*`, `x-amz-copy-source` in S3's form, aws-chunked bodies and their trailers), S3's
 * signatures, documents and errors, which is what such a client reads. COS's copy source headers are refused, and its
 * `x-cos-forbid-overwrite` is read as COS reads it.
 */
export const COS_ON_S3_WIRE: Flavor = {
  ...COS_RULES,
  headerPrefix: S3_FLAVOR.headerPrefix,
  foreign: { prefix: 'x-cos-', name: "COS's" },
  forbidOverwrite: 'x-cos-forbid-overwrite',
  xml: S3_FLAVOR.xml,
};
