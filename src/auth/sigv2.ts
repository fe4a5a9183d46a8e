// AWS Signature Version 2 for S3 ("Signing and authenticating REST requests"): the string to sign, its
// canonicalized x-amz-* headers and resource, and the HMAC-SHA1 signature. Pure functions; the HTTP layer
// supplies the request parts.
import { createHmac } from 'node:crypto';
import { safeDecode } from './sigv4.ts';

/**
 * Query parameters that name a sub-resource, and so are signed as part of the resource: the ones AWS lists, the
 * response-header overrides, `delete`, and the sub-resources that SigV2 clients (botocore, the aws CLI v1) sign
 * besides. Any other query parameter is not signed.
 */
export const SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'delete',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'select',
  'select-type',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

/**
 * The CanonicalizedResource: `/bucket` when the Host header names the bucket (virtual-hosted), then the request
 * path exactly as sent (not decoded), then the sub-resources sorted by name, `name` or `name=value` with the value
 * decoded, after a `?`.
 */
export function canonicalResource(r: { hostBucket?: string; rawPath: string; rawQuery: string }): string {
  const base = (r.hostBucket === undefined ? '' : `/${r.hostBucket}`) + r.rawPath;
  const subs: [string, string][] = [];
  for (const p of r.rawQuery.split('&')) {
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    if (SUBRESOURCES.has(name)) subs.push([name, eq < 0 ? name : `${name}=${safeDecode(p.slice(eq + 1))}`]);
  }
  if (subs.length === 0) return base;
  subs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${base}?${subs.map(([, s]) => s).join('&')}`;
}

/**
 * The CanonicalizedAmzHeaders: every `x-amz-*` header, its name lower-cased, sorted by name, `name:value\n`, the
 * value trimmed and unfolded. `headers` has lower-case names and repeated headers joined by ','.
 */
export function canonicalAmzHeaders(headers: Record<string, string>): string {
  return Object.keys(headers)
    .filter((h) => h.startsWith('x-amz-'))
    .sort()
    .map((h) => `${h}:${headers[h]!.trim().replace(/\s*\r?\n\s*/g, ' ')}\n`)
    .join('');
}

export interface StringToSignInput {
  method: string;
  /** Lower-case header names to their values (repeated headers joined by ','). */
  headers: Record<string, string>;
  /** The Date header's value for the header form (empty when x-amz-date is sent), `Expires` for a presigned URL. */
  date: string;
  hostBucket?: string;
  rawPath: string;
  rawQuery: string;
}

/** Method, Content-MD5, Content-Type and the date, each on a line, then the x-amz-* headers and the resource. */
export function stringToSign(r: StringToSignInput): string {
  const h = r.headers;
  return (
    `${r.method}\n${(h['content-md5'] ?? '').trim()}\n${(h['content-type'] ?? '').trim()}\n${r.date}\n` +
    canonicalAmzHeaders(h) +
    canonicalResource(r)
  );
}

/** Base64 of the HMAC-SHA1 of the string to sign under the secret key. */
export const sign = (secret: string, data: string): string =>
  createHmac('sha1', secret).update(data, 'utf8').digest('base64');

/** Parses `AWS <access key>:<signature>`; undefined when it is not of that form. */
export function parseAuthorization(value: string): { accessKey: string; signature: string } | undefined {
  if (!value.startsWith('AWS ')) return undefined;
  const rest = value.slice(4).trim();
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { accessKey: rest.slice(0, colon), signature: rest.slice(colon + 1) };
}
