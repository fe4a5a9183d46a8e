// mimeo mkdir: makes a directory; with -p its missing parents too, and one already there is no error. A path that
// names only a project (`:proj`) makes the project.
import type { Argv } from 'yargs';
import { ApiError, seg } from '../client.ts';
import { type Context, withContext } from '../context.ts';
import type { EntryJson } from '../native/entries.ts';
import { query } from '../native/pages.ts';
import { dirUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { inProject, type RemotePath, show } from '../remote.ts';
import { type Args, bool, str, UsageError, type Verb } from '../verb.ts';

export const mkdirVerb: Verb = {
  command: 'mkdir <remote..>',
  describe: 'make directories',
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH of each directory' })
      .option('parents', {
        alias: 'p',
        type: 'boolean',
        describe: 'make missing parents; no error if it exists',
      })
      .option('mode', { type: 'string', requiresArg: true, describe: 'octal mode bits (default 755)' })
      .option('versioning', {
        type: 'boolean',
        describe: 'a new project keeps every version (a project path only)',
      })
      .example('mimeo mkdir :proj', 'make the project proj')
      .example('mimeo mkdir :proj/data', 'make data/ (its parent must exist)')
      .example('mimeo mkdir -p :proj/a/b/c', 'make a/, a/b/ and a/b/c/ as needed'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const mode = str(argv, 'mode');
      if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode))
        throw new UsageError(`--mode is octal mode bits such as 755, got '${mode}'`);
      const places = (argv['remote'] as unknown[]).map((t) => inProject(String(t)));
      for (const at of places) {
        if (at.path === '') {
          await makeProject(ctx, at, argv);
          continue;
        }
        const q = query({ parents: bool(argv, 'parents') ? 'true' : undefined, mode });
        const e = await ctx.api(at.server).call<EntryJson>('PUT', `${dirUrl(at.project, at.path)}${q}`);
        ctx.out.result(e, () => `made ${show(at.server, e.project, e.path)}/`);
      }
    }),
};

/** Makes a project; with -p one the principal already owns is no error. */
async function makeProject(ctx: Context, at: RemotePath, argv: Args): Promise<void> {
  const body = { name: at.project, ...(bool(argv, 'versioning') ? { versioning: 'enabled' } : {}) };
  try {
    const p = await ctx.api(at.server).call<{ name: string }>('POST', '/api/v1/projects', body);
    ctx.out.result(p, () => `made project ${show(at.server, p.name, '')}`);
  } catch (err) {
    if (!(bool(argv, 'parents') && err instanceof ApiError && err.code === 'ProjectAlreadyOwnedByYou'))
      throw err;
    const p = await ctx.api(at.server).call<{ name: string }>('GET', `/api/v1/projects/${seg(at.project)}`);
    ctx.out.result(p, () => `project ${show(at.server, p.name, '')} is there`);
  }
}
