// What an SBG answer about an entry needs besides the entry: its project's SBG id, its root folder and its parent
// folder's id; and where a request's `project` or `parent` points.
import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { type Entry, getEntryByPath } from '../../core/entries.ts';
import { StorageError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import { childPath } from '../../core/paths.ts';
import { principalNames, projectOwnedBy } from '../../core/project-owners.ts';
import { getProject } from '../../core/projects.ts';
import { stat } from '../../core/read.ts';
import { principalOf } from '../common/principal.ts';
import { type FileContext, projectId, rootFolderId } from './render.ts';
import { apiBase, entryOf, projectIdOf } from './wire.ts';

/** A folder of the tree: a project's top level (path '') or a directory in it. */
export interface Folder {
  project: string;
  path: string;
  /** Its SBG id. */
  id: string;
}

/** The context of entries that share one parent folder `parent` (a path in `project`; '' for the top level). */
export async function contextFor(
  deps: AuthDeps,
  request: FastifyRequest,
  at: { project: string; parent: string },
): Promise<FileContext> {
  const principal = principalOf(request);
  const project = await getProject(deps.core, { principal, need: 'list' }, at.project);
  const owner = (await principalNames(deps.core, [project.ownerId])).get(project.ownerId)!;
  const root = rootFolderId(project);
  const parent =
    at.parent === ''
      ? root
      : (await getEntryByPath(deps.core, principal, { project: at.project, path: `${at.parent}/` })).ids.hex;
  return { base: apiBase(request), projectId: projectId(owner, project.name), rootFolder: root, parent };
}

/** The context of one entry. */
export const contextOf = (deps: AuthDeps, request: FastifyRequest, e: Entry) =>
  contextFor(deps, request, { project: e.project, parent: e.parent });

/**
 * The folder a folder id names: a project's root folder or a directory. NotADirectory for a file; a missing id is
 * InvalidArgument naming the body's `field`.
 */
export async function folderOf(
  deps: AuthDeps,
  principal: Principal,
  id: unknown,
  field?: string,
): Promise<Folder> {
  const e = await entryOf(deps, principal, id, field);
  if (e.type !== 'directory')
    throw new StorageError('NotADirectory', `'${String(id)}' is not a folder.`, { resource: String(id) });
  return { project: e.project, path: e.path, id: e.ids.hex };
}

/** Where `project` (an `owner/name` id) or `parent` (a folder id) of a body points: exactly one of them. */
export async function destinationOf(
  deps: AuthDeps,
  principal: Principal,
  body: Record<string, unknown>,
): Promise<Folder> {
  const hasProject = body['project'] !== undefined && body['project'] !== null;
  const hasParent = body['parent'] !== undefined && body['parent'] !== null;
  if (hasProject === hasParent)
    throw new StorageError('InvalidPath', 'Give exactly one of project and parent.');
  if (hasParent) return folderOf(deps, principal, body['parent'], 'parent');
  const p = await projectOwnedBy(deps.core, principal, projectIdOf(body['project']));
  return { project: p.name, path: '', id: rootFolderId(p) };
}

/** The path in its project of `name` in `folder`. InvalidPath for a name that is not one. */
export const pathIn = (folder: Folder, name: unknown) => childPath(folder.path, name);

/** The labels of an entry: a file's current version's tags and properties; none for a folder. */
export async function labelsOf(deps: AuthDeps, request: FastifyRequest, e: Entry) {
  if (e.type === 'directory') return { tags: {}, properties: {} };
  const v = await stat(deps.core, principalOf(request), { project: e.project, path: e.path });
  return { tags: v.tags, properties: v.properties };
}
