// mimeo snapshot: take, list and delete a project's snapshots (read back with --snapshot on ls, cat, stat and cp).
import type { Argv } from 'yargs';
import { seg } from '../client.ts';
import { withContext } from '../context.ts';
import { group } from '../native/group.ts';
import { projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { columns, shortTime } from '../output.ts';
import { inProject, type RemotePath } from '../remote.ts';
import { type Args, str, UsageError, type Verb } from '../verb.ts';

interface SnapshotJson {
  id: string;
  number: number;
  name: string;
  project: string | null;
  dir: string | null;
  createdAt: string;
  expiresAt: string | null;
}

/** The project a snapshot command names: `:PROJECT`, with no path. */
function project(argv: Args): RemotePath {
  const at = inProject(str(argv, 'project')!);
  if (at.path !== '')
    throw new UsageError(`'${at.text}' names a path: snapshots are of a whole project (:PROJECT)`);
  return at;
}

const projectArg = (y: Argv) =>
  withConnection(y).positional('project', { type: 'string', describe: ':PROJECT' });

const create: Verb = {
  command: 'create <project>',
  describe: 'take a snapshot of a project',
  builder: (y) =>
    projectArg(y)
      .option('name', { type: 'string', requiresArg: true, describe: 'a name to read it back by' })
      .example('mimeo snapshot create :proj --name daily', 'a snapshot named daily'),
  handler: (argv) =>
    withContext(argv, async (ctx) => {
      const at = project(argv);
      const name = str(argv, 'name');
      const s = await ctx
        .api(at.server)
        .call<SnapshotJson>(
          'POST',
          `${projectUrl(at.project)}/snapshots`,
          name === undefined ? {} : { name },
        );
      ctx.out.result(
        s,
        () => `snapshot ${s.number} ${s.id} of ${at.project}${s.name ? ` named ${s.name}` : ''}`,
      );
    }),
};

const list: Verb = {
  command: 'list <project>',
  describe: "list a project's snapshots",
  builder: (y) => projectArg(y).example('mimeo snapshot list :proj', 'number, id, time and name of each'),
  handler: (argv) =>
    withContext(argv, async (ctx) => {
      const at = project(argv);
      const { snapshots } = await ctx
        .api(at.server)
        .call<{ snapshots: SnapshotJson[] }>('GET', `${projectUrl(at.project)}/snapshots`);
      if (ctx.out.json) for (const s of snapshots) ctx.out.result(s, () => '');
      else if (snapshots.length > 0)
        ctx.out.result(null, () =>
          columns([
            ['NUMBER', 'ID', 'CREATED', 'NAME'],
            ...snapshots.map((s) => [String(s.number), s.id, shortTime(s.createdAt), s.name]),
          ]),
        );
    }),
};

const rm: Verb = {
  command: 'rm <project> <snapshot>',
  describe: 'delete a snapshot, named by its name, id or number',
  builder: (y) =>
    projectArg(y)
      .positional('snapshot', { type: 'string', describe: 'its name, id or number' })
      .example('mimeo snapshot rm :proj daily', 'delete the snapshot named daily'),
  handler: (argv) =>
    withContext(argv, async (ctx) => {
      const at = project(argv);
      const id = str(argv, 'snapshot')!;
      await ctx.api(at.server).call('DELETE', `${projectUrl(at.project)}/snapshots/${seg(id)}`);
      ctx.out.result(
        { project: at.project, snapshot: id, deleted: true },
        () => `deleted snapshot ${id} of ${at.project}`,
      );
    }),
};

export const snapshotVerb = group(
  'snapshot',
  "a project's snapshots: create, list, rm",
  [create, list, rm],
  [
    ['mimeo snapshot create :proj --name daily', 'a snapshot named daily'],
    ['mimeo ls -r --snapshot daily :proj', 'the files as the snapshot kept them'],
    ['mimeo snapshot rm :proj daily', 'delete it'],
  ],
);
