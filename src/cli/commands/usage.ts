// mimeo usage: logical, physical and shared bytes of a project, or of every project the caller can see.
import type { Argv } from 'yargs';
import { withContext } from '../context.ts';
import { projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { bytes, columns } from '../output.ts';
import { remote } from '../remote.ts';
import { type Args, str, UsageError, type Verb } from '../verb.ts';

interface UsageJson {
  project: string;
  files: number;
  versions: number;
  logicalBytes: number;
  physicalBytes: number;
  sharedBytes: number;
}

export const usageVerb: Verb = {
  command: 'usage [project]',
  describe: 'logical, physical and shared bytes per project',
  builder: (y: Argv) =>
    withConnection(y)
      .positional('project', { type: 'string', describe: ':PROJECT (default: every project)' })
      .example('mimeo usage', 'every project on the default server')
      .example('mimeo usage --json :proj', 'one project, as JSON'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const at = remote(str(argv, 'project') ?? ':');
      if (at.path !== '') throw new UsageError(`'${at.text}' names a path: usage is per project (:PROJECT)`);
      const api = ctx.api(at.server);
      const names =
        at.project !== ''
          ? [at.project]
          : (await api.call<{ projects: { name: string }[] }>('GET', '/api/v1/projects')).projects.map(
              (p) => p.name,
            );
      const rows: UsageJson[] = [];
      for (const name of names) {
        const u = await api.call<UsageJson>('GET', `${projectUrl(name)}/usage`);
        if (ctx.out.json) ctx.out.result(u, () => '');
        else rows.push(u);
      }
      if (rows.length > 0)
        ctx.out.result(null, () =>
          columns([
            ['PROJECT', 'FILES', 'VERSIONS', 'LOGICAL', 'PHYSICAL', 'SHARED'],
            ...rows.map((u) => [
              u.project,
              String(u.files),
              String(u.versions),
              bytes(u.logicalBytes),
              bytes(u.physicalBytes),
              bytes(u.sharedBytes),
            ]),
          ]),
        );
    }),
};
