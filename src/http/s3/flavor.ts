// What makes a request on the S3 port S3's or a relative's (Tencent COS): the differences, as data, that the one
// S3 handler and its commands read, so that every command exists once. A relative's dialect claims its requests
// (by Host or by signature) and hands the handler its flavor; any other request is plain S3.
import type { IncomingMessage } from 'node:http';
import type { Authenticated, RawRequest, SigningDeps } from './auth-common.ts';
import type { S3Deps } from './context.ts';
import { S3Error } from './errors.ts';
import type { Addressed } from './request.ts';

export interface Flavor {
  name: string;
  /** What the vendor writes where S3 writes `x-amz-`, in request and response headers alike (`x-cos-`). */
  headerPrefix: string;
  /** The bucket and key from the vendor's virtual hosts; undefined (or absent): S3's addressing. */
  address?: (host: string | undefined, rawPath: string, deps: S3Deps) => Addressed | undefined;
  /**
   * The region the request's host names (COS: `ap-guangzhou` of `<bucket>.cos.ap-guangzhou.myqcloud.com`): the request
   * is served as that region's (bucket locations, location constraints, SigV4 scopes, which may also name the
   * server's); undefined (or absent): the server's region.
   */
  hostRegion?: (host: string | undefined) => string | undefined;
  /**
   * The other wire's header prefix and whose it is (`x-amz-`, "S3's" on COS's wire): its copy source headers are
   * refused, 400 InvalidArgument, rather than dropped, as a copy whose source is not read would become a write of the
   * empty body. Absent: none.
   */
  foreign?: { prefix: string; name: string };
  /** The vendor's own signature scheme; absent: S3's (SigV4, SigV2, presigned). */
  authenticate?: (deps: SigningDeps, req: RawRequest) => Promise<Authenticated>;
  /** Header values the vendor spells otherwise, by S3's header name: vendor value (lower-case) to S3's. */
  headerValues?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The vendor's copy source value in S3's form (`bucket/key?versionId=`); absent: taken as S3's. */
  copySource?: (value: string) => string;
  /** The smallest part but the last that Complete accepts, when the vendor's is below the configured one. */
  minPartSize?: number;
  /** The most bytes one Upload Part - Copy may copy; absent: no bound (a copy by reference costs the same at any size). */
  maxCopyPartSize?: number;
  /**
   * Copy-source conditions may only come as If-Match with If-Unmodified-Since, or If-None-Match with
   * If-Modified-Since (COS); any other pair is refused before anything is copied. false: S3's precedence rules.
   */
  pairedCopyConditions: boolean;
  /** A bucket with multipart uploads in progress is not empty (COS); false: they go with it (S3). */
  uploadsKeepBucket: boolean;
  /** Complete refuses part numbers with a gap between them (COS: InvalidPart); false: any ascending numbers (S3). */
  consecutiveParts: boolean;
  /**
   * The vendor's header (under S3's prefix) by which a write refuses to replace an object (COS's
   * `x-cos-forbid-overwrite: true`, 409 FileAlreadyExists); absent: S3 has none (If-None-Match: * instead).
   */
  forbidOverwrite?: string;
  /**
   * Version ids are opaque to the vendor's clients (COS): one of a shape the server never makes is a version not found
   * (404 NoSuchVersion), not a malformed one; false: S3's 400 InvalidArgument. An empty one is 400 in every flavor.
   */
  opaqueVersionIds?: boolean;
  /** The vendor's own sub-resources mimeo does not implement (refused with 501, as S3's are in UNSUPPORTED). */
  unsupported?: readonly string[];
  /** How response documents are written. */
  xml: {
    /** S3's `xmlns` on the root. */
    namespace: boolean;
    /** S3's top-level checksum elements (`ChecksumCRC64NVME`...). */
    checksums: boolean;
    /** Quotes in text as `&quot;` (S3, for ETags), or as they are (COS's examples). */
    escapeQuotes: boolean;
    /** Complete's `<Location>` as a URL with its scheme (S3), or as host and path without one (COS's examples). */
    locationScheme: boolean;
  };
}

export const S3_FLAVOR: Flavor = {
  name: 's3',
  headerPrefix: 'x-amz-',
  pairedCopyConditions: false,
  uploadsKeepBucket: false,
  consecutiveParts: false,
  xml: { namespace: true, checksums: true, escapeQuotes: true, locationScheme: true },
};

const flavors = new WeakMap<IncomingMessage, Flavor>();

/** Marks a request as served in `flavor` (called by the dialect that claims it, before the handler runs). */
export function serveAs(raw: IncomingMessage, flavor: Flavor): void {
  flavors.set(raw, flavor);
}

export const flavorOf = (raw: IncomingMessage): Flavor => flavors.get(raw) ?? S3_FLAVOR;

/**
 * Request headers under S3's names: the vendor's prefix becomes `x-amz-`, and headers the client sent under S3's
 * own prefix are dropped (they are not the vendor's, and were not what the vendor's signature covered). The other
 * wire's copy source headers (`flavor.foreign`) are refused instead, 400 InvalidArgument: dropped, they would turn a
 * copy into a write of the empty body over the object or part at the key, or a ranged copy into a whole one.
 */
export function asS3Headers(flavor: Flavor, headers: Record<string, string>): Record<string, string> {
  const foreign = flavor.foreign;
  if (foreign)
    for (const [k, v] of Object.entries(headers))
      if (k.startsWith(`${foreign.prefix}copy-source`))
        // The header's own name goes in ArgumentName: a vendor's renderer may rewrite S3's prefix in the message.
        throw new S3Error(
          'InvalidArgument',
          400,
          `This request names its copy source in ${flavor.headerPrefix}copy-source; ${foreign.name} copy source headers are not read.`,
          { fields: { ArgumentName: k, ArgumentValue: v } },
        );
  if (flavor.headerPrefix === 'x-amz-') return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-amz-')) continue;
    out[k.startsWith(flavor.headerPrefix) ? `x-amz-${k.slice(flavor.headerPrefix.length)}` : k] = v;
  }
  for (const [name, values] of Object.entries(flavor.headerValues ?? {})) {
    const v = out[name];
    const s3 = v === undefined ? undefined : values[v.trim().toLowerCase()];
    if (s3 !== undefined) out[name] = s3;
  }
  const src = out['x-amz-copy-source'];
  if (src !== undefined && flavor.copySource) out['x-amz-copy-source'] = flavor.copySource(src);
  return out;
}
