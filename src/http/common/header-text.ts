// What may go out in a response header. Node refuses to write anything else (ERR_INVALID_CHAR, after the route has
// done its work): a value taken from a request or from stored metadata is checked here first.
import type { FastifyReply } from 'fastify';
import type { VersionInfo } from '../../core/model.ts';
import { setContentType } from './content-type.ts';

/** A header value Node writes: tab, printable ASCII, and the bytes of ISO-8859-1 above it. */
export const isHeaderValue = (value: string): boolean => !/[^\t\x20-\x7e\x80-\xff]/.test(value);

/** A header name: an RFC 9110 token. */
export const isHeaderName = (name: string): boolean => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);

/**
 * A version's stored content headers and user metadata (each name under `metaPrefix`) as headers. A stored value that
 * no header can carry (written through an API whose metadata is wider than HTTP's) is left out, never a failed read:
 * the content type falls back to `defaultType`, and the user metadata left out is counted, as S3 counts it in
 * x-amz-missing-meta. Returns that count.
 */
export function setStoredHeaders(
  reply: FastifyReply,
  v: VersionInfo,
  o: { metaPrefix: string; defaultType: string },
): number {
  const text = (name: string, value: string | null | undefined) => {
    if (value && isHeaderValue(value)) reply.header(name, value);
  };
  setContentType(reply, v.contentType && isHeaderValue(v.contentType) ? v.contentType : o.defaultType);
  text('content-disposition', v.contentDisposition);
  text('content-encoding', v.contentEncoding);
  text('cache-control', v.cacheControl);
  text('expires', v.expires);
  let missing = 0;
  for (const [k, val] of Object.entries(v.userMetadata)) {
    if (isHeaderName(k) && isHeaderValue(val)) reply.header(`${o.metaPrefix}${k}`, val);
    else missing++;
  }
  return missing;
}
