// A directory's members (spec §5 #2): `GET …/files/{dir}/members?start&limit&showAll&expandPath`, a collection of
// FileProperties with the total as `count`; names starting with '.' only with `showAll=true`. `GET …/files` lists
// the working directory the same way (the session's `files` link).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { queryChildren } from '../../../../core/dir-query.ts';
import { type Entry, projectAsEntry } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import { listProjects } from '../../../../core/projects.ts';
import { collection, pageOf } from '../../kit/collection.ts';
import { negotiate, sendJson } from '../../kit/media.ts';
import { hrefOf, type Segments } from '../paths.ts';
import { fileProperties, filesBase, PROPERTIES } from '../render.ts';
import { entryAt, type FileParams, flag, pathParam, sessionOf } from '../wire.ts';

export const memberRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  async function members(request: FastifyRequest<FileParams>, reply: FastifyReply, which: 'param' | 'cwd') {
    negotiate(request, 'collection', 2);
    const { principal, view } = await sessionOf(deps, request);
    const page = pageOf(request.query, 10);
    const showAll = flag(request, 'showAll');
    const path: Segments = which === 'cwd' ? view.cwd : pathParam(request, view);
    const dir = await entryAt(deps, principal, path, { directory: true });
    if (dir.type !== 'directory')
      throw new StorageError('NotADirectory', `'/${path.join('/')}' is not a directory.`);
    let entries: Entry[];
    let count: number;
    if (path.length === 0) {
      // The root: the projects the principal may list (no project name starts with '.').
      const all = (await listProjects(core, principal)).projects.map(projectAsEntry);
      entries = all.slice(page.start, page.start + page.limit);
      count = all.length;
    } else {
      const found = await queryChildren(core, principal, {
        project: dir.project,
        path: dir.path,
        hideDotNames: !showAll,
        offset: page.start,
        limit: page.limit,
      });
      entries = found.entries;
      count = found.total;
    }
    const at =
      which === 'cwd'
        ? filesBase(view.sessionId)
        : `${filesBase(view.sessionId)}/${hrefOf(path, view.cwd, view.expand)}/members`;
    const body = collection(
      entries.map((e) => fileProperties(e, view)),
      { count, page, path: at, query: request.query, accept: PROPERTIES },
    );
    return sendJson(reply, request, 'collection', 2, body);
  }

  app.get<FileParams>('/compute/sessions/:sid/files/:path/members', (request, reply) =>
    members(request, reply, 'param'),
  );
  app.get<FileParams>('/compute/sessions/:sid/files', (request, reply) => members(request, reply, 'cwd'));
};
