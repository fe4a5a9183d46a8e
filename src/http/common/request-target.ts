// The request target as routes and error pages read it: origin-form (a path and a query), whatever form it came in.
import type { IncomingMessage } from 'node:http';

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * A request's target in origin-form. An absolute-form target (`GET http://host/path HTTP/1.1`, which RFC 9112
 * section 3.2.2 says a server must accept) becomes its path and query, taken as sent (no dot segment is resolved),
 * and its authority replaces the Host header, as that section requires. Any other target is left as it is.
 */
export function originForm(req: Pick<IncomingMessage, 'url' | 'headers'>): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) return url;
  const m = ABSOLUTE.exec(url);
  if (!m) return url;
  const authority = m[1]!.replace(/^[^@]*@/, '');
  if (authority !== '') req.headers.host = authority;
  const rest = url.slice(m[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * A target's path as the router matches it: percent-escapes decoded except those of characters that delimit
 * (decodeURI's rule), so that `/%66iles/...` belongs to the same API as `/files/...`. A malformed escape leaves the
 * path as it is.
 */
export function routedPath(url: string): string {
  const path = url.split('?')[0]!;
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
