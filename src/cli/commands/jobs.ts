// mimeo jobs: your jobs (every job for an administrator), newest first; watch one to its end; abort one.
import type { Argv } from 'yargs';
import { seg } from '../client.ts';
import { withContext } from '../context.ts';
import { group } from '../native/group.ts';
import { type JobJson, jobLine, watchJob } from '../native/jobs.ts';
import { pages } from '../native/pages.ts';
import { withConnection } from '../options.ts';
import { type Args, str, type Verb } from '../verb.ts';

const idArg = (y: Argv) => withConnection(y).positional('id', { type: 'string', describe: "the job's id" });

const list: Verb = {
  command: 'list',
  describe: 'list jobs, newest first',
  builder: (y) =>
    withConnection(y).example('mimeo jobs list', 'id, kind, state, progress and start of each job'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      for await (const j of pages<JobJson>(ctx.api(undefined), { path: '/api/v1/jobs', key: 'jobs' }))
        ctx.out.result(j, () => jobLine(j));
    }),
};

const watch: Verb = {
  command: 'watch <id>',
  describe: 'follow a job to its end (exit 1 if it failed or was aborted)',
  builder: (y) =>
    idArg(y).example('mimeo jobs watch j0123', 'a bar of entries on a terminal, then the outcome'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const api = ctx.api(undefined);
      const first = await api.call<JobJson>('GET', `/api/v1/jobs/${seg(str(argv, 'id')!)}`);
      const job = await watchJob(ctx, api, first);
      ctx.out.result(job, () => jobLine(job));
    }),
};

const abort: Verb = {
  command: 'abort <id>',
  describe: 'abort a job (its staged work is removed)',
  builder: (y) => idArg(y).example('mimeo jobs abort j0123', 'stop the job at its next batch'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const job = await ctx.api(undefined).call<JobJson>('DELETE', `/api/v1/jobs/${seg(str(argv, 'id')!)}`);
      ctx.out.result(job, () => jobLine(job));
    }),
};

export const jobsVerb = group(
  'jobs',
  'jobs (tree copies and deletes): list, watch, abort',
  [list, watch, abort],
  [
    ['mimeo jobs list', 'id, kind, state, progress and start of each job'],
    ['mimeo jobs watch j0123', 'follow a job to its end'],
    ['mimeo jobs abort j0123', 'stop the job at its next batch'],
  ],
);
