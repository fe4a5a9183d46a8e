// SBG's resource shapes: a file or folder, a project with the caller's permissions, a member.
import type { Entry } from '../../core/entries.ts';
import { wireIds } from '../../core/entry-ids.ts';
import type { Project, Role } from '../../core/model.ts';
import { sbgTime } from './wire.ts';

/** An SBG tag list from the core's tags (the tag is the key; SBG tags have no values). */
export const tagList = (tags: Record<string, string>) => Object.keys(tags).sort();

/** An SBG tag list as the core's tags. */
export const tagRecord = (tags: readonly string[]) => Object.fromEntries(tags.map((t) => [t, '']));

/** The SBG id of a project: its owner's name and its name, lower-cased. */
export const projectId = (ownerName: string, name: string) => `${ownerName}/${name}`.toLowerCase();

export interface FileContext {
  base: string;
  /** The project's SBG id. */
  projectId: string;
  /** The SBG id of the project's root folder. */
  rootFolder: string;
  /** The SBG id of the entry's parent folder (the root folder at the top level). */
  parent: string;
}

/** A file or folder as SBG shows it; `labels` are its current version's tags and properties. */
export function fileJson(
  e: Entry,
  labels: { tags: Record<string, string>; properties: Record<string, string> },
  ctx: FileContext,
): Record<string, unknown> {
  const folder = e.type === 'directory';
  return {
    href: `${ctx.base}/files/${e.ids.hex}`,
    id: e.ids.hex,
    name: e.name,
    ...(folder ? {} : { size: e.size }),
    project: ctx.projectId,
    // The root folder has none (a client walking up the tree stops there), every other entry its folder's id.
    parent: e.path === '' ? null : ctx.parent,
    type: folder ? 'folder' : 'file',
    created_on: sbgTime(e.createdAt),
    modified_on: sbgTime(e.modifiedAt),
    storage: { type: 'PLATFORM', hosted_on_locations: ['mimeo'] },
    origin: {},
    tags: tagList(labels.tags),
    metadata: labels.properties,
    _secondary_files: [],
  };
}

/** What each core role lets a member do, in SBG's five permissions. */
export function permissionsOf(role: Role | null, owner: boolean) {
  const at = (r: Role) => owner || (role !== null && rank(role) >= rank(r));
  return { read: at('read'), copy: at('copy'), write: at('write'), execute: at('write'), admin: at('admin') };
}

const rank = (r: Role) => ['read', 'copy', 'write', 'admin'].indexOf(r);

/** The core role that grants SBG permissions: the highest one they ask for. */
export function roleFor(p: {
  read?: boolean;
  copy?: boolean;
  write?: boolean;
  execute?: boolean;
  admin?: boolean;
}): Role | null {
  if (p.admin) return 'admin';
  if (p.write || p.execute) return 'write';
  if (p.copy) return 'copy';
  if (p.read) return 'read';
  return null;
}

/** A project as SBG shows it. */
export function projectJson(
  p: Project,
  ctx: { base: string; ownerName: string; role: Role | null; isOwner: boolean },
) {
  const id = projectId(ctx.ownerName, p.name);
  return {
    href: `${ctx.base}/projects/${id}`,
    id,
    name: p.name,
    billing_group: null,
    description: '',
    type: 'v2',
    tags: [],
    settings: { controlled: p.dataClass === 'controlled', locked: false },
    root_folder: rootFolderId(p),
    created_by: ctx.ownerName,
    created_on: sbgTime(p.createdAt),
    modified_on: sbgTime(p.createdAt),
    category: 'PRIVATE',
    permissions: permissionsOf(ctx.role, ctx.isOwner),
  };
}

/** A project's root folder: the project as a directory of the tree, its number in 24 hex digits. */
export const rootFolderId = (p: Project) => wireIds(p.number).hex;
