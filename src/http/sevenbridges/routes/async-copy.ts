// Asynchronous copies (POST /v2/async/files/copy, GET /v2/async/files/copy/{id}): many copies as one core job,
// polled until it is FINISHED, with a result per file.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import {
  type CopyListProgress,
  type CopyListSpec,
  type CopyResult,
  MAX_COPY_LIST,
  startCopyList,
} from '../../../core/copy-list.ts';
import { getEntry, getEntryByPath } from '../../../core/entries.ts';
import { type ErrorCode, StorageError } from '../../../core/errors.ts';
import { getJob, type Job } from '../../../core/jobs.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { contextOf, destinationOf, labelsOf, pathIn } from '../context.ts';
import { SBG_ERRORS, sbgErrorBody } from '../errors.ts';
import { fileJson } from '../render.ts';
import { apiBase, entryOf, sbgTime, selectFields } from '../wire.ts';

const STATES: Record<Job['state'], string> = {
  queued: 'SUBMITTED',
  running: 'RUNNING',
  aborting: 'RUNNING',
  succeeded: 'FINISHED',
  failed: 'FAILED',
  aborted: 'ABORTED',
};

export const asyncCopyRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  /** The job as SBG shows it; each copy's result once the job has finished. */
  async function jobJson(request: FastifyRequest, job: Job) {
    const spec = job.spec as unknown as CopyListSpec;
    const progress = job.progress as unknown as CopyListProgress;
    // A folder's copy is a tree copy of its own: the list is finished when those are too.
    const outcomes = [];
    for (const r of progress.results) outcomes.push(await outcomeOf(request, r));
    const pending = outcomes.some((o) => o === 'pending');
    const finished = job.state === 'succeeded' && !pending;
    const result = [];
    if (finished) {
      for (const [i, r] of progress.results.entries()) {
        const o = outcomes[i]!;
        // Finished: no outcome is pending.
        if (typeof o === 'object') {
          const wire = SBG_ERRORS[o.code as ErrorCode] ?? SBG_ERRORS.InternalError;
          result.push({ status: 'FAILED', error: sbgErrorBody(wire.status, Number(wire.code), o.message) });
          continue;
        }
        if (r.status !== 'OK') continue;
        try {
          // The copy by its id; a folder's tree copy by the place it made.
          const e = r.fileId
            ? await getEntry(core, principalOf(request), r.fileId)
            : await getEntryByPath(core, principalOf(request), { project: r.project, path: `${r.path}/` });
          const json = fileJson(e, await labelsOf(deps, request, e), await contextOf(deps, request, e));
          result.push({ status: 'OK', resource: selectFields(request, json) });
        } catch {
          // Copied, and gone or out of reach since.
          result.push({ status: 'OK', resource: null });
        }
      }
    }
    return {
      href: `${apiBase(request)}/async/files/copy/${job.id}`,
      id: job.id,
      type: 'COPY',
      state: job.state === 'succeeded' && pending ? 'RUNNING' : STATES[job.state],
      result: finished ? result : null,
      total_files: spec.items.length,
      completed_files: outcomes.filter((o) => o === 'ok').length,
      failed_files: outcomes.filter((o) => o !== 'ok' && o !== 'pending').length,
      started_on: sbgTime(job.createdAt),
      finished_on: finished || ['failed', 'aborted'].includes(job.state) ? sbgTime(job.updatedAt) : null,
    };
  }

  /** How one copy of the list ended: ok, failed (with its error), or pending (a tree copy still running). */
  async function outcomeOf(
    request: FastifyRequest,
    r: CopyResult,
  ): Promise<'ok' | 'pending' | { code: string; message: string }> {
    if (r.status === 'FAILED') return r;
    if (!r.treeJob) return 'ok';
    const tree = await getJob(core, principalOf(request), r.treeJob);
    if (tree.state === 'succeeded') return 'ok';
    if (tree.state === 'failed' || tree.state === 'aborted')
      return tree.error ?? { code: 'InternalError', message: 'The folder copy did not finish.' };
    return 'pending';
  }

  app.post('/v2/async/files/copy', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const items = body['items'];
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_COPY_LIST)
      throw new StorageError(
        'InvalidArgument',
        `items is an array of 1 to ${MAX_COPY_LIST} objects {file, project or parent, name}.`,
      );
    const list: CopyListSpec['items'] = [];
    for (const item of items) {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new StorageError('InvalidArgument', 'Each item is an object {file, project or parent, name}.');
      const it = item as Record<string, unknown>;
      const source = await entryOf(deps, principal, it['file'], 'file');
      if (source.path === '')
        throw new StorageError('IsADirectory', "A project's root folder cannot be copied.");
      const folder = await destinationOf(deps, principal, it);
      const target = { project: folder.project, path: pathIn(folder, it['name'] ?? source.name) };
      // A folder is copied with its whole subtree, as one tree copy: all of it appears at once.
      list.push(
        source.type === 'directory'
          ? { source: { project: source.project, path: source.path }, target, tree: true }
          : { source: { project: source.project, id: source.id }, target },
      );
    }
    const job = await startCopyList(core, principal, {
      items: list,
      conflict: 'rename',
      renamer: 'numbered-prefix',
      sourceNeed: 'copy',
    });
    return reply.code(202).send(await jobJson(request, job));
  });

  app.get<{ Params: { id: string } }>('/v2/async/files/copy/:id', async (request, reply) => {
    const job = await getJob(core, principalOf(request), request.params.id);
    if (job.kind !== 'copy-list')
      throw new StorageError('NoSuchJob', undefined, { resource: request.params.id });
    return reply.send(await jobJson(request, job));
  });
};
