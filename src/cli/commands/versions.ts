// mimeo versions: every kept version of one file, and its delete markers, newest first (the versions listing with
// the file's path as prefix, keeping that path only).
import type { Argv } from 'yargs';
import { ApiError } from '../client.ts';
import { withContext } from '../context.ts';
import { type FileJson, versionLine } from '../native/entries.ts';
import { pages } from '../native/pages.ts';
import { projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { inProject } from '../remote.ts';
import { type Args, str, UsageError, type Verb } from '../verb.ts';

export const versionsVerb: Verb = {
  command: 'versions <remote>',
  describe: 'every version of a file, newest first, with its delete markers',
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH of a file' })
      .example('mimeo versions :proj/a.csv', 'version id, size, time and state of each')
      .example(
        'mimeo cat --version $(mimeo versions --json :proj/a.csv | jq -r .versionId | sed -n 2p) :proj/a.csv',
        'the one before the latest',
      ),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const at = inProject(str(argv, 'remote')!);
      if (at.path === '') throw new UsageError(`'${at.text}' names a project, not a file`);
      let any = false;
      for await (const v of pages<FileJson>(ctx.api(at.server), {
        path: `${projectUrl(at.project)}/versions`,
        key: 'versions',
        params: { prefix: at.path },
      })) {
        // Paths sort in order: past this one's versions, none of the rest are its own.
        if (v.path > at.path) break;
        if (v.path === at.path) {
          any = true;
          ctx.out.result(v, () => versionLine(v, at.path));
        }
      }
      // A file always has a version (a deleted one, its delete marker): none means no file was ever there.
      if (!any) throw new ApiError(404, 'NoSuchKey', `no file or versions of one at ${at.text}`);
    }),
};
