// Collections of the Folders service: a folder's members, and the top-level folders (the projects the caller may
// list), paged by `start` and `limit`, narrowed by `filter` and ordered by `sortBy` (by name when absent).
import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { MAX_FILTERED_CHILDREN, queryChildren } from '../../../../core/dir-query.ts';
import { type Entry, projectAsEntry } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import { listProjects } from '../../../../core/projects.ts';
import { principalOf } from '../../../common/principal.ts';
import { collection, pageOf } from '../../kit/collection.ts';
import { filterOf, sorterOf } from '../../kit/filter.ts';
import { type Folder, folderUri } from '../folder-ref.ts';
import { folderAnswer, ownerNames } from './folders-answer.ts';
import { FOLDER_TYPE, folderJson, MEMBER_TYPE, memberJson } from './folders-json.ts';

/** A page holds this many items when the client does not say (as the SAS services' collections). */
const DEFAULT_LIMIT = 10;

type Item = Record<string, unknown>;

async function membersOf(deps: AuthDeps, entries: readonly Entry[], folderId: string): Promise<Item[]> {
  const names = await ownerNames(deps, entries);
  return entries.map((e) => memberJson(e, folderId, e.ownerId === null ? '' : (names.get(e.ownerId) ?? '')));
}

/**
 * A page of a folder's members. Without `filter` and `sortBy` the page is read as such; with either, every member
 * is read and matched here, which a folder of more than MAX_FILTERED_CHILDREN members refuses (InvalidArgument).
 */
export async function memberCollection(deps: AuthDeps, request: FastifyRequest, folder: Folder) {
  const principal = principalOf(request);
  const query = request.query as Record<string, unknown>;
  const page = pageOf(query, DEFAULT_LIMIT);
  const filter = filterOf(query['filter']);
  const sort = sorterOf(query['sortBy']);
  const at = { project: folder.project, path: folder.path };
  const answer = (items: unknown[], count: number) =>
    collection(items, { count, page, path: `${folderUri(folder.id)}/members`, query, accept: MEMBER_TYPE });
  if (!filter && !sort) {
    const { entries, total } = await queryChildren(deps.core, principal, {
      ...at,
      offset: page.start,
      limit: page.limit,
    });
    return answer(await membersOf(deps, entries, folder.id), total);
  }
  const { entries } = await queryChildren(deps.core, principal, {
    ...at,
    offset: 0,
    limit: MAX_FILTERED_CHILDREN + 1,
  });
  if (entries.length > MAX_FILTERED_CHILDREN)
    throw new StorageError(
      'InvalidArgument',
      `The folder has more than ${MAX_FILTERED_CHILDREN} members: list it without filter and sortBy.`,
    );
  let items = await membersOf(deps, entries, folder.id);
  if (filter) items = items.filter(filter);
  if (sort) items.sort(sort);
  return answer(items.slice(page.start, page.start + page.limit), items.length);
}

/**
 * A page of the top-level folders: the projects the caller holds a role on. `filter` and `sortBy` see every field
 * but `memberCount`, which is counted for the page's folders only.
 */
export async function rootCollection(deps: AuthDeps, request: FastifyRequest) {
  const principal = principalOf(request);
  const query = request.query as Record<string, unknown>;
  const page = pageOf(query, DEFAULT_LIMIT);
  const filter = filterOf(query['filter']);
  const sort = sorterOf(query['sortBy']);
  const entries = (await listProjects(deps.core, principal)).projects.map(projectAsEntry);
  const names = await ownerNames(deps, entries);
  let found = entries.map((e) => {
    const { memberCount: _, ...light } = folderJson(e, {
      memberCount: 0,
      parentId: undefined,
      owner: names.get(e.ownerId ?? '') ?? '',
    });
    return { entry: e, item: light as Item };
  });
  if (filter) found = found.filter((f) => filter(f.item));
  if (sort) found.sort((a, b) => sort(a.item, b.item));
  const items = [];
  for (const f of found.slice(page.start, page.start + page.limit))
    items.push(await folderAnswer(deps, principal, f.entry));
  return collection(items, {
    count: found.length,
    page,
    path: '/folders/folders',
    query,
    accept: FOLDER_TYPE,
  });
}
