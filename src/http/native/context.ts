// What native routes share: the injected dependencies and the authenticated principal of a request.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import type { VersionInfo } from '../../core/model.ts';
import { setStoredHeaders } from '../common/header-text.ts';

export interface NativeDeps extends AuthDeps {
  /** The smallest part but the last of a multipart upload (the server's --min-part-size); 5 MiB when not given. */
  minPartSize?: number;
}

export { principalOf } from '../common/principal.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON form of a file version. */
export function fileJson(v: VersionInfo) {
  return {
    id: v.fileId,
    project: v.project,
    path: v.path,
    size: v.size,
    etag: v.etag,
    versionId: v.versionId,
    isLatest: v.isLatest,
    deleteMarker: v.deleteMarker,
    checksums: v.checksums,
    contentType: v.contentType,
    contentDisposition: v.contentDisposition,
    contentEncoding: v.contentEncoding,
    cacheControl: v.cacheControl,
    expires: v.expires,
    userMetadata: v.userMetadata,
    tags: v.tags,
    properties: v.properties,
    lineage: v.lineage,
    streams: Object.fromEntries(Object.entries(v.streams).map(([k, s]) => [k, { size: s.size }])),
    createdBy: v.createdBy,
    createdAt: iso(v.createdAt),
    modifiedBy: v.modifiedBy,
    modifiedAt: iso(v.modifiedAt),
  };
}

/** Headers that describe a version on GET and HEAD. */
export function setVersionHeaders(reply: FastifyReply, v: VersionInfo): void {
  reply.header('etag', `"${v.etag}"`);
  reply.header('last-modified', new Date(v.modifiedAt).toUTCString());
  reply.header('accept-ranges', 'bytes');
  reply.header('x-mimeo-file-id', v.fileId);
  reply.header('x-mimeo-version-id', v.versionId);
  const missing = setStoredHeaders(reply, v, {
    metaPrefix: 'x-mimeo-meta-',
    defaultType: 'application/octet-stream',
  });
  if (missing > 0) reply.header('x-mimeo-missing-meta', String(missing));
  if (v.checksums.sha256) reply.header('x-mimeo-checksum-sha256', v.checksums.sha256);
  if (v.checksums.crc64nvme) reply.header('x-mimeo-checksum-crc64nvme', v.checksums.crc64nvme);
  if (v.checksums.md5) reply.header('x-mimeo-checksum-md5', v.checksums.md5);
}

/** User metadata from x-mimeo-meta-* request headers. */
export function userMetadataFrom(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-mimeo-meta-') && typeof v === 'string') out[k.slice('x-mimeo-meta-'.length)] = v;
  }
  return out;
}
