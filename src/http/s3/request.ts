// Turns a raw request into S3 terms: addressing (path-style or virtual-hosted), query and header maps.
import { safeDecode } from '../../auth/sigv4.ts';

export interface Addressed {
  bucket: string | undefined;
  key: string | undefined;
  /** True when the Host header names the bucket (virtual-hosted addressing), not the path. */
  virtualHosted: boolean;
}

/** Path-style `/bucket/key`, or virtual-hosted `bucket.<domain>/key` for a configured domain. */
export function address(host: string | undefined, rawPath: string, domains: readonly string[]): Addressed {
  const h = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  for (const d of domains) {
    if (h.endsWith(`.${d}`)) {
      const bucket = h.slice(0, -(d.length + 1));
      const key = safeDecode(rawPath.slice(1));
      return { bucket, key: key === '' ? undefined : key, virtualHosted: true };
    }
  }
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  if (rest === '') return { bucket: undefined, key: undefined, virtualHosted: false };
  if (slash < 0) return { bucket: safeDecode(rest), key: undefined, virtualHosted: false };
  const key = safeDecode(rest.slice(slash + 1));
  return {
    bucket: safeDecode(rest.slice(0, slash)),
    key: key === '' ? undefined : key,
    virtualHosted: false,
  };
}

export function queryMap(rawQuery: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of rawQuery.split('&')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    m.set(safeDecode(eq < 0 ? p : p.slice(0, eq)), eq < 0 ? '' : safeDecode(p.slice(eq + 1)));
  }
  return m;
}

/** Lower-case names; repeated headers joined with ',' as SigV4 canonicalizes them. */
export function headerMap(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const k = rawHeaders[i]!.toLowerCase();
    const v = rawHeaders[i + 1]!;
    out[k] = k in out ? `${out[k]},${v}` : v;
  }
  return out;
}
