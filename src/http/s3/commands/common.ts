// Helpers shared by S3 commands: required names, object headers, user metadata and checksum headers.

import { EXTRA_ALGORITHMS, type ExtraAlgorithm } from '../../../core/checksums/extra.ts';
import type { Conditions } from '../../../core/conditions.ts';
import { isStorageError } from '../../../core/errors.ts';
import { isVersionIdShape } from '../../../core/ids.ts';
import type { Checksums, VersionInfo } from '../../../core/model.ts';
import { parseConditions } from '../../common/conditions.ts';
import { setStoredHeaders } from '../../common/header-text.ts';
import { httpDate, quoted, type S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { sseHeaders } from './sse.ts';

export function bucketOf(ctx: S3Context): string {
  if (!ctx.bucket) throw new S3Error('InvalidRequest', 400, 'A bucket name is required.');
  return ctx.bucket;
}

export function keyOf(ctx: S3Context): string {
  if (!ctx.key) throw new S3Error('InvalidRequest', 400, 'An object key is required.');
  return ctx.key;
}

/** x-amz-meta-* headers as user metadata; the core holds its size limit. */
export function userMetadata(headers: Record<string, string>): Record<string, string> {
  // No prototype: a name such as __proto__ or constructor is a name like any other.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-amz-meta-')) out[k.slice('x-amz-meta-'.length)] = v;
  }
  return out;
}

export const S3_ALGORITHMS = [...EXTRA_ALGORITHMS, 'sha256', 'crc64nvme'] as const;
export type S3Algorithm = (typeof S3_ALGORITHMS)[number];

/** The checksum algorithm a request names (x-amz-checksum-<alg>, x-amz-sdk-checksum-algorithm or x-amz-trailer). */
export function requestedAlgorithm(headers: Record<string, string>): S3Algorithm | undefined {
  const named = (
    headers['x-amz-sdk-checksum-algorithm'] ?? headers['x-amz-checksum-algorithm']
  )?.toLowerCase();
  const trailer = headers['x-amz-trailer']?.toLowerCase().replace(/^x-amz-checksum-/, '');
  const present = S3_ALGORITHMS.filter((a) => headers[`x-amz-checksum-${a}`] !== undefined);
  // One checksum comes, in a header or a trailer.
  if (present.length + (trailer === undefined ? 0 : 1) > 1)
    throw new S3Error(
      'InvalidRequest',
      400,
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  // The algorithm named must be the one whose checksum comes.
  const sent = present[0] ?? trailer;
  if (named !== undefined && sent !== undefined && named !== sent)
    throw new S3Error(
      'InvalidRequest',
      400,
      `Value for x-amz-sdk-checksum-algorithm header is invalid: the checksum sent is x-amz-checksum-${sent}.`,
    );
  const alg = named ?? sent;
  if (alg === undefined) return undefined;
  if (!(S3_ALGORITHMS as readonly string[]).includes(alg))
    throw new S3Error('InvalidRequest', 400, `The checksum algorithm '${alg}' is not supported.`);
  return alg as S3Algorithm;
}

/** The bytes of each algorithm's checksum. */
const CHECKSUM_BYTES: Record<S3Algorithm, number> = {
  crc32: 4,
  crc32c: 4,
  crc64nvme: 8,
  sha1: 20,
  sha256: 32,
};

/** A checksum value as S3 takes it (the base64 of the algorithm's bytes), or 400 InvalidRequest: not a mismatch. */
export function checkedChecksum(alg: S3Algorithm, value: string): string {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== CHECKSUM_BYTES[alg] || bytes.toString('base64') !== value)
    throw new S3Error('InvalidRequest', 400, `Value for x-amz-checksum-${alg} header is invalid.`);
  return value;
}

/** What a write must compute and verify for its checksum headers or trailer. */
export function checksumRequest(ctx: S3Context) {
  const alg = requestedAlgorithm(ctx.headers);
  const algorithms: ExtraAlgorithm[] =
    alg && (EXTRA_ALGORITHMS as readonly string[]).includes(alg) ? [alg as ExtraAlgorithm] : [];
  // A header's value is checked before the body is read; a trailer's once it has come.
  const header = alg && ctx.headers[`x-amz-checksum-${alg}`];
  if (alg && header) checkedChecksum(alg, header);
  const expected = () => {
    if (!alg) return {};
    const value = ctx.headers[`x-amz-checksum-${alg}`] ?? ctx.trailers[`x-amz-checksum-${alg}`];
    return value === undefined ? {} : { [alg]: checkedChecksum(alg, value) };
  };
  // As S3: an object gets a SHA-256 when the client sends or asks for one, not otherwise (it costs a core).
  return { algorithm: alg, algorithms, expected, wholeSha256: alg === 'sha256' };
}

export function checksumValue(c: Checksums, alg: S3Algorithm): string | undefined {
  if (alg === 'sha256') return c.sha256 ? Buffer.from(c.sha256, 'hex').toString('base64') : undefined;
  return c[alg];
}

/**
 * The checksum of an object as its writer asked for it: a multipart upload's composite one, else the one algorithm
 * it named besides the CRC-64/NVME every object has, else that CRC; with its S3 checksum type.
 */
export function primaryChecksum(
  c: Checksums,
): { algorithm: string; value: string; type: string } | undefined {
  if (c.composite) return { ...c.composite, type: 'COMPOSITE' };
  for (const a of [...EXTRA_ALGORITHMS, 'sha256', 'crc64nvme'] as const) {
    const value = checksumValue(c, a);
    if (value) return { algorithm: a, value, type: 'FULL_OBJECT' };
  }
  return undefined;
}

/** `ChecksumXXX` and `ChecksumType` elements of a result document for the object's primary checksum. */
export function checksumElements(c: Checksums): Record<string, string> {
  const p = primaryChecksum(c);
  return p ? { [`Checksum${p.algorithm.toUpperCase()}`]: p.value, ChecksumType: p.type } : {};
}

/** The checksum headers of a stored object: every algorithm it has, or its composite checksum alone. */
export function checksumHeaders(c: Checksums): Record<string, string> {
  if (c.composite)
    return {
      [`x-amz-checksum-${c.composite.algorithm}`]: c.composite.value,
      'x-amz-checksum-type': 'COMPOSITE',
    };
  const out: Record<string, string> = {};
  for (const a of S3_ALGORITHMS) {
    const v = checksumValue(c, a);
    if (v) out[`x-amz-checksum-${a}`] = v;
  }
  if (Object.keys(out).length > 0) out['x-amz-checksum-type'] = 'FULL_OBJECT';
  return out;
}

/** Headers GET and HEAD return for an object version. */
export function objectHeaders(ctx: S3Context, v: VersionInfo, options: { checksums: boolean }): void {
  const r = ctx.reply;
  r.header('etag', quoted(v.etag));
  r.header('last-modified', httpDate(v.modifiedAt));
  r.header('accept-ranges', 'bytes');
  sseHeaders(ctx, v);
  if (v.versionId !== 'null' || ctx.query.has('versionId')) r.header('x-amz-version-id', v.versionId);
  const missing = setStoredHeaders(r, v, { metaPrefix: 'x-amz-meta-', defaultType: 'binary/octet-stream' });
  if (missing > 0) r.header('x-amz-missing-meta', String(missing));
  const tags = Object.keys(v.tags).length;
  if (tags > 0) r.header('x-amz-tagging-count', String(tags));
  if (options.checksums)
    for (const [k, val] of Object.entries(checksumHeaders(v.checksums))) r.header(k, val);
}

/**
 * The length of a PUT's body: the decoded length of an aws-chunked body, else Content-Length. An aws-chunked body
 * without x-amz-decoded-content-length is taken at the length it decodes to (its Content-Length counts the framing).
 * A body with neither a length nor chunked framing is 411 MissingContentLength, as S3 answers, before anything is read.
 */
export function bodyLength(ctx: S3Context): number | undefined {
  if (ctx.chunked) return ctx.decodedLength;
  const declared = ctx.headers['content-length'];
  if (declared !== undefined) return Number(declared);
  if (ctx.headers['transfer-encoding'] !== undefined) return undefined;
  throw new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
}

/**
 * An integer query parameter (max-keys, max-uploads, max-parts, part-number-marker, max-buckets) as S3 reads one:
 * decimal digits, from `min` to `max` (an int32 unless the command bounds it lower); `fallback` when absent. Anything
 * else, an empty value included, is 400 InvalidArgument naming the argument and its value.
 */
export function queryInt(
  ctx: S3Context,
  name: string,
  o: { fallback: number; min: number; max?: number },
): number {
  const raw = ctx.query.get(name);
  if (raw === undefined) return o.fallback;
  const max = o.max ?? 2_147_483_647;
  const n = /^[0-9]{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= o.min && n <= max))
    throw new S3Error('InvalidArgument', 400, `${name} must be an integer from ${o.min} to ${max}.`, {
      fields: { ArgumentName: name, ArgumentValue: raw },
    });
  return n;
}

/** Content headers a PUT or a REPLACE copy sets, with aws-chunked taken out of Content-Encoding. */
export function contentAttributes(ctx: S3Context) {
  const h = ctx.headers;
  const encoding = h['content-encoding']
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'aws-chunked')
    .join(', ');
  return {
    // An empty Content-Type is none: the object reads back as binary/octet-stream, as S3's do.
    contentType: h['content-type']?.trim() || undefined,
    contentDisposition: h['content-disposition'],
    contentEncoding: encoding || undefined,
    cacheControl: h['cache-control'],
    expires: h['expires'],
    userMetadata: userMetadata(h),
  };
}

/** ?partNumber as an integer from 1 to 10,000. */
export function partNumberOf(ctx: S3Context): number {
  const raw = ctx.query.get('partNumber');
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || n < 1 || n > 10_000) {
    throw new S3Error(
      'InvalidArgument',
      400,
      'Part number must be an integer between 1 and 10000, inclusive',
    );
  }
  return n;
}

/** A GET or HEAD of a part (?partNumber) reads that part's range: a Range header with it is refused, before any read. */
export function checkPartRead(ctx: S3Context): void {
  if (ctx.query.has('partNumber') && ctx.headers['range'] !== undefined)
    throw new S3Error(
      'InvalidRequest',
      400,
      'Cannot specify both Range header and partNumber query parameter',
    );
}

/** The byte range of part `n` of a version (a whole non-multipart object is part 1), or 416 InvalidPartNumber. */
export function partRange(v: VersionInfo, n: number): { first: number; last: number } | undefined {
  if (!v.partSizes) {
    if (n === 1) return v.size > 0 ? { first: 0, last: v.size - 1 } : undefined;
    throw new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable');
  }
  if (n > v.partSizes.length)
    throw new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable');
  const first = v.partSizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { first, last: first + v.partSizes[n - 1]! - 1 };
}

/** S3's answer to a header that asks for something it does not do, naming the header. */
export const unimplementedHeader = (header: string) =>
  new S3Error('NotImplemented', 501, 'A header you provided implies functionality that is not implemented', {
    fields: { Header: header },
  });

/**
 * Write options mimeo does not have are refused, never ignored: every object is stored as STANDARD, no bucket
 * has an Object Lock configuration (S3's answer for such a bucket), and a write replaces an object whole (an append
 * at `x-amz-write-offset-bytes` is S3 Express's, and would otherwise lose the object's bytes).
 */
export function checkWriteOptions(ctx: S3Context): void {
  if (ctx.headers['x-amz-write-offset-bytes'] !== undefined)
    throw unimplementedHeader('x-amz-write-offset-bytes');
  const storageClass = ctx.headers['x-amz-storage-class'];
  if (storageClass !== undefined && storageClass !== 'STANDARD')
    throw new S3Error(
      'InvalidStorageClass',
      400,
      `The storage class '${storageClass}' is not available: every object is stored as STANDARD.`,
    );
  for (const h of [
    'x-amz-object-lock-mode',
    'x-amz-object-lock-retain-until-date',
    'x-amz-object-lock-legal-hold',
  ])
    if (ctx.headers[h] !== undefined)
      throw new S3Error('InvalidRequest', 400, 'Bucket is missing Object Lock Configuration');
}

/**
 * The preconditions of a write (PutObject, CompleteMultipartUpload). S3 takes If-Match with an ETag and If-None-Match
 * only as `*` (write only if the key has no object); an If-None-Match naming ETags is 501 NotImplemented, as S3
 * answers it, before anything is written.
 */
export function writeConditions(ctx: S3Context): Conditions | undefined {
  const c = parseConditions(ctx.headers);
  const none = c?.ifNoneMatch;
  if (none && (none.length !== 1 || none[0] !== '*')) throw unimplementedHeader('If-None-Match');
  return forbidsOverwrite(ctx) ? { ...c, ifNoneMatch: ['*'] } : c;
}

/** Whether the request carries its flavor's refusal to replace an object (COS's `x-cos-forbid-overwrite: true`). */
export function forbidsOverwrite(ctx: S3Context): boolean {
  const header = ctx.flavor.forbidOverwrite;
  return header !== undefined && ctx.headers[header]?.trim().toLowerCase() === 'true';
}

/**
 * Runs a write whose conditions came from writeConditions: under the flavor's refusal to overwrite, an object at the
 * key is the vendor's 409 FileAlreadyExists rather than a failed If-None-Match (unless an If-Match of the client's
 * own failed).
 */
export async function refusingOverwrite<T>(ctx: S3Context, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (
      forbidsOverwrite(ctx) &&
      ctx.headers['if-match'] === undefined &&
      isStorageError(err, 'PreconditionFailed')
    )
      throw new S3Error('FileAlreadyExists', 409, 'The object already exists and may not be overwritten.');
    throw err;
  }
}

/**
 * A versionId as S3 reads one (the query's, a copy source's, or a DeleteObjects entry's): absent is undefined; empty,
 * or not the shape of a version id, is 400 InvalidArgument, so a delete of a mistyped id is refused rather than
 * answered as done. `opaque` (a flavor whose version ids its clients cannot know the shape of): any non-empty value is
 * looked up as it is; an empty one names no version in any flavor, so it is refused as S3 refuses it.
 */
export function checkVersionId(value: string | undefined, opaque = false): string | undefined {
  if (value === undefined) return value;
  if (value === '' || (!opaque && !isVersionIdShape(value)))
    throw new S3Error(
      'InvalidArgument',
      400,
      value === '' ? 'Version id cannot be the empty string' : 'Invalid version id specified',
      { fields: { ArgumentName: 'versionId', ArgumentValue: value } },
    );
  return value;
}

/** The request's versionId query parameter, checked (checkVersionId). */
export const versionIdOf = (ctx: S3Context): string | undefined =>
  checkVersionId(ctx.query.get('versionId'), ctx.flavor.opaqueVersionIds);
