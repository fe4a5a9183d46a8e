// The Folders service's representations, built from tree entries: a folder (`application/vnd.sas.content.folder`) and
// a folder member (`application/vnd.sas.content.folder.member`). A member is a child entry of the folder: a file
// (`/files/files/{id}`) or a folder (`/folders/folders/{id}`), and as each entry is in exactly one folder, a member's
// id is the entry's own UUID.
import { createHash } from 'node:crypto';
import type { Entry } from '../../../../core/entries.ts';
import { type Link, link } from '../../kit/links.ts';
import { iso } from '../../kit/time.ts';
import { folderUri } from '../folder-ref.ts';

export const FOLDER_TYPE = 'application/vnd.sas.content.folder';
export const MEMBER_TYPE = 'application/vnd.sas.content.folder.member';
const FILE_TYPE = 'application/vnd.sas.file';
const COLLECTION_TYPE = 'application/vnd.sas.collection';

export const fileUri = (uuid: string) => `/files/files/${uuid}`;
export const memberUri = (folderId: string, memberId: string) => `${folderUri(folderId)}/members/${memberId}`;

/**
 * The ETag of a folder or a member. A directory has no version: the tag names the entry's row, when it last changed,
 * and where it is (a rename or a move changes the representation, not always the time).
 */
export const entryEtag = (e: Entry) => {
  const place = createHash('sha256').update(`${e.project}\0${e.path}`).digest('base64url').slice(0, 12);
  return `"${e.id}.${e.modifiedAt}.${place}"`;
};

/** What a folder's representation needs besides its entry. */
export interface FolderFacts {
  memberCount: number;
  /** The UUID of the folder it is in; none for a top-level folder (a project). */
  parentId: string | undefined;
  /** The name of the principal who made it. */
  owner: string;
}

export function folderJson(e: Entry, facts: FolderFacts) {
  const id = e.ids.uuid;
  const self = folderUri(id);
  const links: Link[] = [
    link('GET', 'self', self, { type: FOLDER_TYPE }),
    link('PATCH', 'patch', self, { type: FOLDER_TYPE, responseType: FOLDER_TYPE }),
    link('DELETE', 'delete', self),
    link('GET', 'members', `${self}/members`, { type: COLLECTION_TYPE, itemType: MEMBER_TYPE }),
    link('POST', 'addMember', `${self}/members`, { type: MEMBER_TYPE, responseType: MEMBER_TYPE }),
    link('POST', 'createChild', `/folders/folders?parentFolderUri=${self}`, {
      type: FOLDER_TYPE,
      responseType: FOLDER_TYPE,
    }),
  ];
  if (facts.parentId !== undefined)
    links.push(link('GET', 'up', folderUri(facts.parentId), { type: FOLDER_TYPE }));
  return {
    id,
    name: e.name,
    type: 'folder',
    ...(facts.parentId === undefined ? {} : { parentFolderUri: folderUri(facts.parentId) }),
    memberCount: facts.memberCount,
    createdBy: facts.owner,
    creationTimeStamp: iso(e.createdAt),
    modifiedBy: facts.owner,
    modifiedTimeStamp: iso(e.modifiedAt),
    version: 1,
    links,
  };
}

/** A child entry of the folder `folderId` as a member; `owner` names who made it (a file: who wrote it last). */
export function memberJson(e: Entry, folderId: string, owner: string) {
  const dir = e.type === 'directory';
  const uri = dir ? folderUri(e.ids.uuid) : fileUri(e.ids.uuid);
  const self = memberUri(folderId, e.ids.uuid);
  return {
    id: e.ids.uuid,
    name: e.name,
    type: 'child',
    contentType: dir ? 'folder' : 'file',
    uri,
    parentFolderUri: folderUri(folderId),
    createdBy: owner,
    creationTimeStamp: iso(e.createdAt),
    modifiedBy: owner,
    modifiedTimeStamp: iso(e.modifiedAt),
    version: 1,
    links: [
      link('GET', 'self', self, { type: MEMBER_TYPE }),
      link('DELETE', 'delete', self),
      link('GET', 'up', folderUri(folderId), { type: FOLDER_TYPE }),
      link('GET', 'getResource', uri, { type: dir ? FOLDER_TYPE : FILE_TYPE }),
    ],
  };
}
