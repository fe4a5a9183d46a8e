// The file resource (`application/vnd.sas.file`, representation version 4) and the SAS attributes a version keeps:
// `properties` are the version's properties; `description`, `documentType`, `typeDefName` and `searchable` ride in
// its user metadata, so every copy carries them; `encoding` is its content encoding; `expirationTimeStamp` its expiry.
import type { FastifyReply } from 'fastify';
import type { Entry } from '../../../core/entries.ts';
import type { VersionInfo } from '../../../core/model.ts';
import { link } from '../kit/links.ts';
import { etagOf } from '../kit/preconditions.ts';
import { iso } from '../kit/time.ts';

export const FILE_TYPE = 'application/vnd.sas.file';
export const FILE_VERSION = 4;

/** Where the SAS attributes that are not content attributes live in a version's user metadata. */
export const META = {
  description: 'sas-description',
  documentType: 'sas-document-type',
  typeDefName: 'sas-type-def-name',
  searchable: 'sas-searchable',
} as const;

/** A file's media type when it was given none. */
export const DEFAULT_TYPE = 'application/octet-stream';

export const fileUri = (uuid: string) => `/files/files/${uuid}`;

export function fileLinks(uuid: string, contentType: string) {
  const self = fileUri(uuid);
  const f = { type: FILE_TYPE, responseType: FILE_TYPE };
  return [
    link('GET', 'self', self, { type: FILE_TYPE }),
    link('GET', 'alternate', self, { type: 'application/vnd.sas.summary' }),
    link('PATCH', 'patch', self, f),
    link('PUT', 'update', self, f),
    link('DELETE', 'delete', self),
    link('GET', 'content', `${self}/content`, { type: contentType }),
    link('PUT', 'updateContent', `${self}/content`, { type: '*/*', responseType: FILE_TYPE }),
    link('POST', 'copyFile', `${self}/copy`, { responseType: FILE_TYPE }),
    link('POST', 'create', '/files/files', { type: '*/*', responseType: FILE_TYPE }),
  ];
}

/** The file resource of `e` at its version `v`, filed in the folder `parentUri`; `names` maps principal ids. */
export function fileJson(e: Entry, v: VersionInfo, parentUri: string, names: Map<string, string>) {
  const m = v.userMetadata;
  const contentType = v.contentType ?? DEFAULT_TYPE;
  return {
    creationTimeStamp: iso(v.createdAt),
    modifiedTimeStamp: iso(v.modifiedAt),
    createdBy: names.get(v.createdBy) ?? v.createdBy,
    modifiedBy: names.get(v.modifiedBy) ?? v.modifiedBy,
    id: e.ids.uuid,
    parentUri,
    properties: v.properties,
    ...(v.contentDisposition !== null ? { contentDisposition: v.contentDisposition } : {}),
    contentType,
    ...(m[META.description] !== undefined ? { description: m[META.description] } : {}),
    ...(m[META.documentType] !== undefined ? { documentType: m[META.documentType] } : {}),
    ...(v.contentEncoding !== null ? { encoding: v.contentEncoding } : {}),
    links: fileLinks(e.ids.uuid, contentType),
    name: e.name,
    size: v.size,
    searchable: m[META.searchable] === 'true',
    fileStatus: 'unlocked',
    fileVersion: 0,
    typeDefName: m[META.typeDefName] ?? 'file',
    ...(v.expiresAt !== null ? { expirationTimeStamp: iso(v.expiresAt) } : {}),
    virusDetected: false,
    urlDetected: false,
    quarantine: false,
    version: FILE_VERSION,
  };
}

/** The validators of a file answer: its version's ETag and time. */
export function setValidators(reply: FastifyReply, v: VersionInfo): void {
  reply.header('etag', etagOf(v.rowId)).header('last-modified', new Date(v.modifiedAt).toUTCString());
}
