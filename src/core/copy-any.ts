// The entry point of every copy: a directory tree becomes a job, anything else is copied at once.
import { type CopyOptions, copyFile } from './copy.ts';
import type { CoreDeps } from './deps.ts';
import { findDir } from './dirs.ts';
import type { Job } from './jobs.ts';
import type { CopyReceipt, CopyRequest, Principal } from './model.ts';
import { prefixEnd } from './paths.ts';
import { requireProject } from './permissions.ts';
import { liveFileIdAt } from './repo/versions.ts';
import { startTreeCopy } from './tree-copy.ts';

/**
 * One copy request, whatever it names: a directory tree (the whole project as '' or '/', a path ending in '/', or a
 * path with no file but with a directory or files below it) starts a job; a file, a byte range, a version or an id
 * is copied at once and gives a receipt.
 */
export async function copyAny(
  deps: CoreDeps,
  principal: Principal,
  req: CopyRequest,
  options: CopyOptions = {},
): Promise<{ receipt: CopyReceipt } | { job: Job }> {
  const whole =
    req.source.offset === undefined && req.source.length === undefined && req.target.offset === undefined;
  if (
    whole &&
    req.source.id === undefined &&
    req.source.path !== undefined &&
    (await isTree(deps, principal, { ...req.source, path: req.source.path }))
  ) {
    const job = await startTreeCopy(deps, principal, {
      source: { project: req.source.project, path: req.source.path, snapshot: req.source.snapshot },
      target: req.target,
      conflict: req.conflict,
      sourceNeed: options.sourceNeed,
      metadataDirective: req.metadata?.directive,
    });
    return { job };
  }
  return { receipt: await copyFile(deps, principal, req, options) };
}

/**
 * Whether `path` names a tree: the whole project ('' or '/'), a path that ends with '/', or one where no file is but a
 * directory or files below it are.
 */
export async function isTree(
  deps: CoreDeps,
  principal: Principal,
  source: { project: string; path?: string; snapshot?: string; versionId?: string },
): Promise<boolean> {
  if (source.path === undefined || source.versionId !== undefined) return false;
  const path = source.path;
  if (path === '' || path.endsWith('/')) return true;
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'list' }, source.project);
      if (await liveFileIdAt(tx, p.id, path)) return false;
      const below = await tx.get(
        'SELECT id FROM files WHERE project_id = ? AND hidden = 0 AND path >= ? AND path < ? LIMIT 1',
        [p.id, `${path}/`, prefixEnd(`${path}/`)],
      );
      if (!below && (await findDir(tx, p.id, path))) return true;
      return below !== undefined;
    },
    { readOnly: true },
  );
}
