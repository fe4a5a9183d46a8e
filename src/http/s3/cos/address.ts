// COS addressing (COS "Regions and Access Endpoints"): the bucket is the left-most label of a virtual host
// `<bucket>-<appid>.cos.<region>.myqcloud.com` (or `.tencentcos.cn`, or `<bucket>-<appid>.<domain>` for a domain in
// the cosDomains setting); the key is the decoded path. Any other host falls back to S3's path-style addressing.
import { safeDecode } from '../../../auth/sigv4.ts';
import type { Addressed } from '../request.ts';

const COS_HOST = /^([^.]+)\.cos(?:v6|-cdc|-internal)?\.[a-z0-9-]+\.(?:myqcloud\.com|tencentcos\.cn)$/;
/** A host of COS's own domains, a bucket's or the service's (`cos.<region>.myqcloud.com`), and the region it names. */
const COS_REGION = /^(?:[^.]+\.)?cos(?:v6|-cdc|-internal)?\.([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;

/** The bucket a COS virtual host names, or undefined when the host is not one (a port is ignored). */
export function cosHostBucket(host: string | undefined, domains: readonly string[]): string | undefined {
  const h = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const m = COS_HOST.exec(h);
  if (m) return m[1];
  for (const d of domains) {
    if (!h.endsWith(`.${d}`)) continue;
    const bucket = h.slice(0, -(d.length + 1));
    if (bucket !== '' && !bucket.includes('.')) return bucket;
  }
  return undefined;
}

/**
 * The region a host of COS's own domains names (`ap-guangzhou` of `<bucket>.cos.ap-guangzhou.myqcloud.com` and of the
 * service host `cos.ap-guangzhou.myqcloud.com`); undefined for any other host, a `cosDomains` one included.
 */
export function cosHostRegion(host: string | undefined): string | undefined {
  return COS_REGION.exec((host ?? '').replace(/:\d+$/, '').toLowerCase())?.[1];
}

/** Whether a host is COS's: a bucket's virtual host, or the service host of a region (path-style addressing). */
export const isCosHost = (host: string | undefined, domains: readonly string[]): boolean =>
  cosHostBucket(host, domains) !== undefined ||
  (host?.includes('cos') === true && cosHostRegion(host) !== undefined);

/** Bucket and key of a request to a COS virtual host; undefined for any other host. */
export function cosAddress(
  host: string | undefined,
  rawPath: string,
  domains: readonly string[],
): Addressed | undefined {
  const bucket = cosHostBucket(host, domains);
  if (bucket === undefined) return undefined;
  const key = safeDecode(rawPath.slice(1));
  return { bucket, key: key === '' ? undefined : key, virtualHosted: true };
}
