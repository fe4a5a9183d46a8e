// The Compute service's shapes: FileProperties with its links (spec §4), sessions and contexts (§2).
import type { ComputeSession } from '../../../core/compute-sessions.ts';
import { SESSION_IDLE_SECONDS } from '../../../core/compute-sessions.ts';
import type { Entry } from '../../../core/entries.ts';
import { type Link, link } from '../kit/links.ts';
import { iso } from '../kit/time.ts';
import type { ComputeContext } from './contexts.ts';
import { typeOfName } from './file-types.ts';
import { hrefOf, type Segments, slashOf } from './paths.ts';

export const PROPERTIES = 'application/vnd.sas.compute.file.properties';
export const FILE_REQUEST = 'application/vnd.sas.compute.file.request';
const COLLECTION = 'application/vnd.sas.collection';
const SESSION = 'application/vnd.sas.compute.session';
const CONTEXT = 'application/vnd.sas.compute.context';

/** How a request wants paths shown: the session, its working directory, and `expandPath`. */
export interface View {
  sessionId: string;
  cwd: Segments;
  expand: boolean;
}

/** An entry as names from the session's root. */
export function segmentsOf(e: Entry): Segments {
  if (e.project === '') return [];
  return e.path === '' ? [e.project] : [e.project, ...e.path.split('/')];
}

export const filesBase = (sessionId: string) => `/compute/sessions/${sessionId}/files`;

/** The links of a file or directory (seed; directory rels as VS Code reads them). */
function linksOf(e: Entry, at: Segments, view: View): Link[] {
  const base = filesBase(view.sessionId);
  const self = selfHref(at, view);
  const props = { type: PROPERTIES, responseType: PROPERTIES };
  if (e.type === 'file') {
    const type = typeOfName(e.name);
    return [
      link('GET', 'self', self, { type: PROPERTIES }),
      link('GET', 'getFile', `${self}/content`, { type }),
      link('DELETE', 'deleteFile', self),
      link('PUT', 'createFile', `${self}/content`, { type }),
      link('PUT', 'renameFile', self, props),
      link('POST', 'copyFile', `${base}/{destinationFile}`, { type: FILE_REQUEST, responseType: PROPERTIES }),
    ];
  }
  return [
    link('GET', 'self', self, { type: PROPERTIES }),
    link('GET', 'getDirectoryMembers', `${self}/members`, { type: COLLECTION, itemType: PROPERTIES }),
    link('POST', 'makeDirectory', self, props),
    link('POST', 'createFile', self, props),
    link('DELETE', 'deleteDirectory', self),
    link('PUT', 'renameDirectory', self, props),
    link('POST', 'copyDirectory', `${base}/{destinationDirectory}`, {
      type: FILE_REQUEST,
      responseType: PROPERTIES,
    }),
  ];
}

/** FileProperties (version 1) of an entry. */
export function fileProperties(e: Entry, view: View) {
  const at = segmentsOf(e);
  return {
    name: at.length === 0 ? '/' : at[at.length - 1]!,
    path: at.length === 0 ? '/' : slashOf(at.slice(0, -1), view.cwd, view.expand),
    isDirectory: e.type === 'directory',
    // The root holds projects, which are made and removed elsewhere; below it, the project's roles decide.
    readOnly: at.length === 0,
    size: e.size,
    modifiedTimeStamp: iso(e.modifiedAt),
    ...(e.createdAt > 0 ? { creationTimeStamp: iso(e.createdAt) } : {}),
    version: 1,
    links: linksOf(e, at, view),
  };
}

/** A session as the Compute service shows one: idle, ready for work. */
export function sessionJson(s: ComputeSession, owner: string) {
  const self = `/compute/sessions/${s.id}`;
  return {
    id: s.id,
    name: s.name,
    state: 'idle',
    owner,
    sessionConditionCode: 0,
    creationTimeStamp: iso(s.createdAt),
    attributes: {
      contextId: s.contextId,
      homeDirectory: s.cwd,
      sessionInactiveTimeout: SESSION_IDLE_SECONDS,
    },
    links: [
      link('GET', 'self', self, { type: SESSION }),
      link('GET', 'state', `${self}/state`, { type: 'text/plain' }),
      link('DELETE', 'delete', self),
      link('GET', 'files', `${self}/files`, { type: COLLECTION, itemType: PROPERTIES }),
      link('GET', 'context', `/compute/contexts/${s.contextId}`, { type: CONTEXT }),
    ],
    version: 1,
  };
}

/** A context (summary form: what @sasjs/adapter and VS Code read of it). */
export function contextJson(c: ComputeContext) {
  const self = `/compute/contexts/${c.id}`;
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    launchType: 'service',
    createdBy: 'sas.compute',
    version: 4,
    links: [
      link('GET', 'self', self, { type: CONTEXT }),
      link('POST', 'createSession', `${self}/sessions`, {
        type: SESSION,
        responseType: SESSION,
      }),
    ],
  };
}

/** The `self` href of the entry at `path`. */
export const selfHref = (path: Segments, view: View) =>
  `${filesBase(view.sessionId)}/${hrefOf(path, view.cwd, view.expand)}`;
