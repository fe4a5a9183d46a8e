// AWS Signature Version 4 for S3: canonical requests, signing keys, header and query (presigned) authentication,
// and the chained signatures of aws-chunked bodies. Pure functions; the HTTP layer supplies the request parts.
import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export const sha256hex = (data: string | Uint8Array) => hash('sha256', data, 'hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Characters SigV4 leaves as they are; runs of only these need no encoding. */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is %XX (uppercase). */
export function awsEncode(s: string, keepSlash: boolean): string {
  if (UNRESERVED.test(s)) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;

/** Decodes %XX escapes; a malformed escape is kept as it is. '+' stays '+'. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The canonical URI: the path's segments decoded once and encoded again the SigV4 way (S3 does not normalize). */
export function canonicalUri(rawPath: string): string {
  // Most paths are only unreserved characters and slashes: decoding and encoding again changes nothing.
  if (UNRESERVED_PATH.test(rawPath)) return rawPath;
  return rawPath
    .split('/')
    .map((seg) => awsEncode(safeDecode(seg), false))
    .join('/');
}

/** The canonical query string: pairs encoded and sorted by name, then value; `omit` drops X-Amz-Signature. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const eq = p.indexOf('=');
      const k = safeDecode(eq < 0 ? p : p.slice(0, eq));
      const v = eq < 0 ? '' : safeDecode(p.slice(eq + 1));
      return [awsEncode(k, false), awsEncode(v, false)] as const;
    })
    .filter(([k]) => k !== omit);
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface CanonicalInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lower-case header names to their values (repeated headers joined by ','). */
  headers: Record<string, string>;
  signedHeaders: string[];
  payloadHash: string;
  omitQuery?: string;
}

export function canonicalRequest(r: CanonicalInput): string {
  const headerLines = r.signedHeaders
    .map((h) => `${h}:${(r.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [
    r.method,
    canonicalUri(r.rawPath),
    canonicalQuery(r.rawQuery, r.omitQuery),
    headerLines,
    r.signedHeaders.join(';'),
    r.payloadHash,
  ].join('\n');
}

export interface Scope {
  date: string;
  region: string;
  service: string;
}

export const scopeString = (s: Scope) => `${s.date}/${s.region}/${s.service}/aws4_request`;

/** Signing keys derived lately, by scope and secret: a key lives a day, and deriving one costs four HMACs. */
const derived = new Map<string, KeyObject>();
const DERIVED_MAX = 1024;

export function signingKey(secret: string, scope: Scope): KeyObject {
  const id = `${scopeString(scope)}\n${secret}`;
  let key = derived.get(id);
  if (!key) {
    key = createSecretKey(
      hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request'),
    );
    if (derived.size >= DERIVED_MAX) derived.delete(derived.keys().next().value!);
    derived.set(id, key);
  }
  return key;
}

export function stringToSign(amzDate: string, scope: Scope, canonical: string): string {
  return [ALGORITHM, amzDate, scopeString(scope), sha256hex(canonical)].join('\n');
}

export const sign = (key: KeyObject, data: string) => createHmac('sha256', key).update(data).digest('hex');

/** Signature of one aws-chunked chunk, chained to the previous signature (the seed for the first chunk). */
export function chunkSignature(
  key: KeyObject,
  amzDate: string,
  scope: Scope,
  previous: string,
  chunkSha256: string,
): string {
  return sign(
    key,
    ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scopeString(scope), previous, EMPTY_SHA256, chunkSha256].join('\n'),
  );
}

/** Signature of the trailing headers of an aws-chunked body ("name:value\n" each). */
export function trailerSignature(
  key: KeyObject,
  amzDate: string,
  scope: Scope,
  previous: string,
  trailer: string,
): string {
  return sign(
    key,
    ['AWS4-HMAC-SHA256-TRAILER', amzDate, scopeString(scope), previous, sha256hex(trailer)].join('\n'),
  );
}

export interface ParsedAuthorization {
  accessKey: string;
  scope: Scope;
  signedHeaders: string[];
  signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/s3/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  if (!value.startsWith(`${ALGORITHM} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const cred = parseCredential(fields['Credential']);
  if (!cred || !fields['SignedHeaders'] || !/^[0-9a-f]{64}$/.test(fields['Signature'] ?? ''))
    return undefined;
  return { ...cred, signedHeaders: fields['SignedHeaders'].split(';'), signature: fields['Signature']! };
}

export function parseCredential(value: string | undefined): { accessKey: string; scope: Scope } | undefined {
  if (!value) return undefined;
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) return undefined;
  return { accessKey: parts[0]!, scope: { date: parts[1]!, region: parts[2]!, service: parts[3]! } };
}

/** `20130524T000000Z` to milliseconds, or NaN. */
export function parseAmzDate(s: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}
