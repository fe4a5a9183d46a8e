// What every Compute file route reads: the session in the path (its owner's only), `expandPath` and the other
// boolean queries, JSON bodies of the SAS types, and the entry a path names.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { type ComputeSession, getComputeSession } from '../../../core/compute-sessions.ts';
import type { Conditions } from '../../../core/conditions.ts';
import { type Entry, getEntry, getEntryByPath } from '../../../core/entries.ts';
import { TREE_ROOT_NUMBER } from '../../../core/entry-ids.ts';
import { isStorageError, StorageError } from '../../../core/errors.ts';
import type { Principal } from '../../../core/model.ts';
import { childPath } from '../../../core/paths.ts';
import { principalOf } from '../../common/principal.ts';
import { sendJson } from '../kit/media.ts';
import { etagOf, updateConditions } from '../kit/preconditions.ts';
import { cwdOf, paramPath, placeOf, type Segments } from './paths.ts';
import { fileProperties, type View } from './render.ts';

export type FileParams = {
  Params: { sid: string; path?: string };
  Querystring: Record<string, unknown>;
};

/** A query flag: absent or empty is false; `true`/`false` in any case; anything else InvalidArgument. */
export function flag(request: FastifyRequest<FileParams>, name: string): boolean {
  const v = request.query[name];
  if (v === undefined || v === '') return false;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw new StorageError('InvalidArgument', `${name} is true or false.`);
}

/** The request's session, its principal, and how paths are to be shown. NoSuchEntry for another's session. */
export async function sessionOf(
  deps: AuthDeps,
  request: FastifyRequest<FileParams>,
): Promise<{ session: ComputeSession; principal: Principal; view: View }> {
  const principal = principalOf(request);
  const session = await getComputeSession(deps.core, principal, request.params.sid);
  const view = { sessionId: session.id, cwd: cwdOf(session.cwd), expand: flag(request, 'expandPath') };
  return { session, principal, view };
}

/** The path parameter as names from the root. */
export const pathParam = (request: FastifyRequest<FileParams>, view: View): Segments =>
  paramPath(request.params.path ?? '', view.cwd);

/**
 * The entry at a path: the root, a project, or a file (before a directory of the same name) or directory below.
 * Where only a directory will do (its members, a place to move into), `directory` finds the directory of that name
 * even when an object of the same name sits beside it (S3 may put one there).
 */
export function entryAt(
  deps: AuthDeps,
  principal: Principal,
  path: Segments,
  options: { directory?: boolean } = {},
): Promise<Entry> {
  if (path.length === 0) return getEntry(deps.core, principal, String(TREE_ROOT_NUMBER));
  const place = placeOf(path);
  if (!options.directory || place.path === '') return getEntryByPath(deps.core, principal, place);
  // No directory there: whatever is (a file, for the caller to say it is not a directory), or NoSuchKey.
  return getEntryByPath(deps.core, principal, { ...place, path: `${place.path}/` }).catch((err: unknown) => {
    if (isStorageError(err, 'NoSuchKey') || isStorageError(err, 'NotADirectory'))
      return getEntryByPath(deps.core, principal, place);
    throw err;
  });
}

/** A string field of a body; undefined when absent or null. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new StorageError('InvalidArgument', `${name} must be a string.`);
  return v;
}

/**
 * The body's `name` (touch, rename), undefined when absent. Throws InvalidPath when it is not one name (empty, `.`,
 * `..`, holding `/` or a control character): checked before the place it would go, so that a bad name is 400 at the
 * root as below a project, and not the root's 403.
 */
export function nameField(body: Record<string, unknown>): string | undefined {
  const name = stringField(body, 'name');
  if (name !== undefined) childPath('', name);
  return name;
}

/** A file's ETag names its version; a directory's, its id and last change (it has no version). */
export function entryTag(e: Entry): string {
  return e.type === 'file' && e.versionRow ? etagOf(e.versionRow) : `"${e.id}.${e.modifiedAt}"`;
}

/** Answers FileProperties of `e` with its ETag. */
export function sendProperties(
  reply: FastifyReply,
  request: FastifyRequest,
  input: { entry: Entry; view: View; status?: number },
): FastifyReply {
  reply.code(input.status ?? 200).header('etag', entryTag(input.entry));
  return sendJson(reply, request, PROPERTIES_NAME, 1, fileProperties(input.entry, input.view));
}

/** The media type name of FileProperties, for negotiate and sendJson. */
export const PROPERTIES_NAME = 'compute.file.properties';

/**
 * The conditions of a change to `e`: a file's If-Match as version tags (checked with the change); a directory's
 * checked here against its tag, as the core knows no directory versions. Empty If-Match is none (VS Code sends it).
 */
export function changeConditions(request: FastifyRequest, e: Entry): Conditions | undefined {
  const c = updateConditions(request);
  if (e.type === 'file' || !c?.ifVersion) return c;
  checkTag(c, e);
  return undefined;
}

/**
 * The conditions of a move of `e`, which the core checks against content ETags: the version tag is checked here,
 * and the content ETag of that version goes to the core, checked again in the move's transaction.
 */
export function moveConditions(request: FastifyRequest, e: Entry): Conditions | undefined {
  const c = updateConditions(request);
  if (!c?.ifVersion) return c;
  checkTag(c, e);
  return e.type === 'file' && e.etag ? { ifMatch: [e.etag] } : undefined;
}

function checkTag(c: Conditions, e: Entry): void {
  const tag = entryTag(e).slice(1, -1);
  if (!c.ifVersion!.some((t) => t === '*' || t === tag))
    throw new StorageError('PreconditionFailed', 'The If-Match precondition did not hold.');
}

/** A path where files and directories may be made or removed: inside a project, not the root or a project. */
export function belowProject(path: Segments): Segments {
  if (path.length < 2)
    throw new StorageError(
      'AccessDenied',
      'The top level of the tree holds projects, which are made and removed through the native API.',
    );
  return path;
}
