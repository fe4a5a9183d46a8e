// Where a copy or a move lands, as cp and mv decide it, and what both refuse.
import type { Argv } from 'yargs';
import type { Context } from '../context.ts';
import { baseName, joinPath, type RemotePath } from '../remote.ts';
import { UsageError } from '../verb.ts';

/**
 * The target path of a copy or move of `src`. A target that ends in '/' (or names only a project, for a file) is a
 * directory the source goes into under its own name; any other names the copy itself. A tree (-r) onto a project
 * alone fills the project's top.
 */
export function targetPath(src: RemotePath, tgt: RemotePath, tree: boolean): string {
  const into = tgt.path === '' ? !tree : tgt.text.endsWith('/');
  return into ? joinPath(tgt.path, baseName(src)) : tgt.path;
}

/**
 * Both paths on one server (two names may stand for one URL), or UsageError: the server copies and moves, so it must
 * hold both ends.
 */
export function sameServer(ctx: Context, src: RemotePath, tgt: RemotePath, what: string): void {
  if (src.server === tgt.server || ctx.api(src.server).origin === ctx.api(tgt.server).origin) return;
  throw new UsageError(
    `cannot ${what} between two servers (${src.server ?? 'the default'} and ${tgt.server ?? 'the default'}): the server does the ${what}; use mimeo get and mimeo put`,
  );
}

/** --conflict, as cp and mv take it. */
export const conflictOption = <T>(y: Argv<T>) =>
  y.option('conflict', {
    choices: ['fail', 'overwrite', 'rename'],
    describe:
      "when the target exists: fail, overwrite it, or rename the new one 'name (1)' (default: a file copy overwrites, a tree copy and a move fail)",
  });
