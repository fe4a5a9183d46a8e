// mimeo mv: moves or renames a file or a directory with its whole subtree (POST /api/v1/move); ids stay the same.
// A move onto itself fails, as mv(1) says "'a' and 'a' are the same file", and changes nothing.
import type { Argv } from 'yargs';
import { ApiError } from '../client.ts';
import { withContext } from '../context.ts';
import { intoDirectory } from '../native/dirs.ts';
import type { EntryJson } from '../native/entries.ts';
import { conflictOption, sameServer, targetPath } from '../native/targets.ts';
import { withConnection } from '../options.ts';
import { inProject, show } from '../remote.ts';
import { type Args, str, UsageError, type Verb } from '../verb.ts';

export const mvVerb: Verb = {
  command: 'mv <source> <target>',
  describe: 'move or rename a file or a directory (with everything below it), keeping its id',
  builder: (y: Argv) =>
    conflictOption(withConnection(y))
      .positional('source', { type: 'string', describe: ':PROJECT/PATH (ending in /: a directory)' })
      .positional('target', { type: 'string', describe: ':PROJECT/PATH (ending in / or a project: into it)' })
      .option('if-match', { type: 'string', requiresArg: true, describe: "only if the file's ETag is this" })
      .example('mimeo mv :proj/a.csv :proj/b.csv', 'rename a file')
      .example('mimeo mv :proj/data :proj/archive/', 'move data/ to archive/data/')
      .example('mimeo mv --conflict overwrite :proj/new.csv :proj/a.csv', 'replace a.csv with new.csv'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const src = inProject(str(argv, 'source')!);
      const tgt = inProject(str(argv, 'target')!);
      sameServer(ctx, src, tgt, 'move');
      if (src.path === '') throw new UsageError(`'${src.text}' is a whole project, which does not move`);
      if (tgt.dirHint) await intoDirectory(ctx.api(src.server), tgt);
      const body = {
        source: { project: src.project, path: src.text.endsWith('/') ? `${src.path}/` : src.path },
        target: { project: tgt.project, path: targetPath(src, tgt, false) },
        conflict: str(argv, 'conflict'),
        ifMatch: str(argv, 'if-match'),
      };
      const e = await ctx.api(src.server).call<EntryJson>('POST', '/api/v1/move', body);
      // The server's move of a path onto itself changes nothing: it has said only that the source is there.
      if (body.target.project === src.project && body.target.path === src.path)
        throw new ApiError(
          0,
          'SameFile',
          `'${src.text}' and '${show(tgt.server, tgt.project, body.target.path)}' are the same file`,
        );
      const to = show(tgt.server, e.project, e.path);
      ctx.out.result(
        e,
        () => `moved ${show(src.server, src.project, src.path)} → ${to}${e.type === 'directory' ? '/' : ''}`,
      );
    }),
};
