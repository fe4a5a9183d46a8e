// COS's wire shapes where they are not S3's: its response headers (x-cos-* for x-amz-*, x-cos-request-id,
// Server: tencent-cos) and its `<Error>` document, which names the resource by host and path and adds a TraceId.
import type { FastifyReply } from 'fastify';
import type { ErrorPage, ErrorSite } from '../../common/error-page.ts';
import { toS3Error } from '../errors.ts';
import { escapeXml } from '../xml.ts';
import { COS_ERRORS } from './errors.ts';

export const SERVER = 'tencent-cos';

/**
 * S3's header names in COS's: `x-amz-` becomes `x-cos-`. S3's second request id and its checksum headers have no
 * COS counterpart (COS's own is a CRC-64/ECMA in x-cos-hash-crc64ecma, which mimeo does not compute), so they go.
 */
export function cosHeaderName(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === 'x-amz-id-2' || n.startsWith('x-amz-checksum-')) return undefined;
  return n.startsWith('x-amz-') ? `x-cos-${n.slice('x-amz-'.length)}` : n;
}

/** Renames a reply's S3 headers to COS's and adds COS's own, just before it is sent (success and error alike). */
export function cosResponseHeaders(reply: FastifyReply, requestId: string): void {
  for (const [k, v] of Object.entries(reply.getHeaders())) {
    if (!k.startsWith('x-amz-') || v === undefined) continue;
    reply.removeHeader(k);
    const name = cosHeaderName(k);
    if (name) reply.header(name, v);
  }
  reply.header('x-cos-request-id', requestId).header('server', SERVER);
}

/**
 * Any error as COS's `<Error>`: Code, Message, Resource (`<host>/<path>`), RequestId and TraceId, which is the
 * request id too (one id to find in the log), also sent as x-cos-trace-id. Messages name headers as COS does.
 */
export function renderCosError(err: unknown, site: ErrorSite): ErrorPage {
  const e = toS3Error(err, COS_ERRORS);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers)) {
    const name = cosHeaderName(k);
    if (name) headers[name] = v;
  }
  Object.assign(headers, {
    'x-cos-request-id': site.requestId,
    'x-cos-trace-id': site.requestId,
    server: SERVER,
  });
  const path = site.url.split('?')[0]!;
  const resource = site.host ? `${site.host.replace(/:\d+$/, '')}${path}` : path;
  const message = e.message.replace(/x-amz-/g, 'x-cos-');
  const extra = Object.entries(e.fields)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  const x = escapeXml;
  return {
    status: e.status,
    headers,
    contentType: 'application/xml',
    body:
      e.status === 304
        ? undefined
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${x(e.code)}</Code><Message>${x(message)}</Message>${extra}<Resource>${x(resource)}</Resource><RequestId>${x(site.requestId)}</RequestId><TraceId>${x(site.requestId)}</TraceId></Error>`,
  };
}
