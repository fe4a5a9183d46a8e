// Tencent COS request signatures (`q-sign-algorithm=sha1`, COS "Request Signature"): the fields of an Authorization
// value, the HttpString and StringToSign, and the HMAC-SHA1 signature. Pure functions; the HTTP layer supplies the
// request parts. The encoding is the one cos-nodejs-sdk-v5 signs with.
import { createHash, createHmac } from 'node:crypto';

export interface CosAuthorization {
  algorithm: string;
  accessKey: string;
  /** `<start>;<end>`, Unix seconds: when the request may be sent. */
  signTime: string;
  /** `<start>;<end>`: what the SignKey is derived from. */
  keyTime: string;
  /** Lower-case, URL-encoded names, in the order they are signed. */
  headerList: string[];
  paramList: string[];
  signature: string;
}

const list = (v: string | undefined) => (v ? v.split(';').filter(Boolean) : []);

/**
 * The seven fields from their names (`q-ak`...): from an Authorization header's `k=v&k=v` or a presigned URL's
 * query. Undefined when a field is missing or the signature is not 40 hex digits.
 */
export function cosFields(get: (name: string) => string | undefined): CosAuthorization | undefined {
  const [algorithm, accessKey, signTime, keyTime, signature] = [
    'q-sign-algorithm',
    'q-ak',
    'q-sign-time',
    'q-key-time',
    'q-signature',
  ].map(get);
  const headers = get('q-header-list');
  const params = get('q-url-param-list');
  if (!algorithm || !accessKey || !signTime || !keyTime || !signature) return undefined;
  if (headers === undefined || params === undefined || !/^[0-9a-f]{40}$/i.test(signature)) return undefined;
  return {
    algorithm,
    accessKey,
    signTime,
    keyTime,
    headerList: list(headers.toLowerCase()),
    paramList: list(params.toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

/** The fields of an Authorization value `q-sign-algorithm=sha1&q-ak=...&q-signature=...`. */
export function parseCosAuthorization(value: string): CosAuthorization | undefined {
  const m = new Map<string, string>();
  for (const p of value.trim().split('&')) {
    const eq = p.indexOf('=');
    if (eq > 0) m.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return cosFields((n) => m.get(n));
}

/** A `<start>;<end>` window in Unix seconds, or undefined when it is not two integers with start ≤ end. */
export function parseWindow(value: string): { start: number; end: number } | undefined {
  const m = /^(\d{1,12});(\d{1,12})$/.exec(value);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start <= end ? { start, end } : undefined;
}

/** encodeURIComponent, and `!'()*` encoded too: the SDK's camSafeUrlEncode. */
export function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * HttpString: the lower-case method, the decoded path, then the signed parameters and headers as `name=value`
 * joined by `&` (names as listed, values encoded), each on its own line, and a final newline.
 */
export function cosHttpString(r: {
  method: string;
  path: string;
  params: readonly (readonly [string, string])[];
  headers: readonly (readonly [string, string])[];
}): string {
  const pairs = (l: readonly (readonly [string, string])[]) =>
    l.map(([k, v]) => `${k}=${cosEncode(v)}`).join('&');
  return `${r.method.toLowerCase()}\n${r.path}\n${pairs(r.params)}\n${pairs(r.headers)}\n`;
}

/** q-signature = hex HMAC-SHA1(hex HMAC-SHA1(secret, keyTime), "sha1\n<signTime>\n<sha1(HttpString)>\n"). */
export function cosSignature(
  secret: string,
  a: { keyTime: string; signTime: string; httpString: string },
): string {
  const signKey = createHmac('sha1', secret).update(a.keyTime).digest('hex');
  const digest = createHash('sha1').update(a.httpString, 'utf8').digest('hex');
  return createHmac('sha1', signKey).update(`sha1\n${a.signTime}\n${digest}\n`).digest('hex');
}
