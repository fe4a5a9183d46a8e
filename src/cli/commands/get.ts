// mimeo get REMOTE [LOCAL]: a file or (with -r) a directory tree down from a project, several files at once;
// each lands under its name only when whole, and an interrupted download resumes from where it stopped.
import type { Argv } from 'yargs';
import { ApiError } from '../client.ts';
import { withContext } from '../context.ts';
import { fileToStdout } from '../native/file-out.ts';
import { withConnection } from '../options.ts';
import { bytes, count } from '../output.ts';
import { progress } from '../progress.ts';
import { inProject, show } from '../remote.ts';
import { transferFlags, withTransferFlags } from '../transfer/flags.ts';
import { getFile } from '../transfer/get-file.ts';
import { treeDirs } from '../transfer/local-dirs.ts';
import { planGet } from '../transfer/plan-get.ts';
import { reportFailures, runPool } from '../transfer/pool.ts';
import type { Run } from '../transfer/types.ts';
import { type Args, STDIO, str, UsageError, type Verb } from '../verb.ts';

const RULE = `Where files go (as cp): LOCAL is a directory when it ends in '/' or is one; then REMOTE goes into it under its own name (get -r :p/photos ./ makes ./photos/...). Otherwise LOCAL is the new name (get -r :p/photos new makes new/...); run again after it was interrupted or a file failed, the same get puts the files where the first run did (new/..., not new/photos/...) while new is the directory that run made; any other directory there takes the tree into it. What is there is written as cp writes it: a file is replaced (keeping its mode) only when you may write it, else it fails ('cannot open ... for writing') and is left as it is; a symbolic link is written through to its file; a device or pipe is written into; a directory is not replaced ('cannot overwrite directory'). A file's directory must be there (else 'cannot create regular file ...: No such file or directory'); a tree's are made as its files are written, and its empty ones after the files, unless every file failed: such a run leaves nothing. A file with the name of a directory in the tree (an object's key 'a' beside 'a/b') cannot be made beside it: it is told as failed, and the rest are fetched. A file is written to LOCAL.mimeo-partial and renamed when whole; a get run again after an interruption resumes each partial file from its size, if the server's file is still the same version.`;

/**
 * `get REMOTE -`: one file's bytes to standard output, as cat writes them; nothing is written to a local file. More
 * than one source is refused by the parser (an unknown command), as for any get.
 */
function toStdout(argv: Args): Promise<void> {
  if (argv['recursive'] === true)
    throw new UsageError("get -r writes the files of a tree: standard output ('-') takes one file");
  return withContext(argv, async (ctx) => {
    const at = inProject(str(argv, 'remote') ?? '');
    await fileToStdout({ api: ctx.api(at.server), at });
  });
}

export const getVerb: Verb = {
  command: 'get <remote> [local]',
  describe: 'fetch files (with -r, directories) from a project: get REMOTE [LOCAL]',
  builder: (y: Argv) =>
    withTransferFlags(withConnection(y))
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH' })
      .positional('local', {
        type: 'string',
        default: '.',
        describe: "a local path (default: here); '-' is standard output",
      })
      .example('mimeo get :docs/2026/report.pdf', 'makes ./report.pdf')
      .example(
        'mimeo get :docs/data.csv - | wc -l',
        "the file's bytes to standard output, as cat writes them",
      )
      .example('mimeo get -r --checksum prod:media/photos backup/', 'makes backup/photos/..., each checked')
      .epilog(RULE),
  handler: (argv: Args) => {
    if (str(argv, 'local') === STDIO) return toStdout(argv);
    return withContext(argv, async (ctx) => {
      const source = inProject(str(argv, 'remote') ?? '');
      const local = str(argv, 'local') ?? '.';
      const flags = transferFlags(argv);
      const api = ctx.api(source.server);
      const plan = await planGet({
        api,
        source,
        local,
        recursive: argv['recursive'] === true,
        state: flags.state,
        out: ctx.out,
      });
      // A tree's directories are made as its files are written. A tree that becomes LOCAL, made then, is recorded
      // before its first file is opened, so that a rerun of a get ended at any point after goes where this one did.
      const { tree } = plan;
      const makeDir =
        plan.base === undefined
          ? undefined
          : treeDirs({
              base: plan.base,
              made: tree && !tree.resumed ? (id) => flags.state.saveTree(tree.key, id) : undefined,
            });
      const total = plan.jobs.reduce((n, j) => n + j.size, 0);
      const run: Run = {
        ...flags,
        api,
        server: source.server,
        project: source.project,
        progress: progress(ctx.interactive, 'bytes', total),
      };
      const failures = await runPool(
        plan.jobs,
        run.parallel,
        async (job) => {
          const r = await getFile(run, job, makeDir);
          ctx.out.result(r, () => '');
        },
        (job) => show(source.server, source.project, job.path),
      );
      const got = plan.jobs.length - failures.length;
      // The empty directories, after the files: none when every file failed, so that such a run leaves nothing.
      const dirFailures =
        makeDir && (got > 0 || plan.jobs.length === 0)
          ? await runPool(
              plan.emptyDirs,
              run.parallel,
              (d) => makeDir(d.local),
              (d) => show(source.server, source.project, d.path),
            )
          : [];
      // A failed transfer keeps the record for a rerun; a clash or a directory that cannot be made, which every run
      // meets, does not.
      if (tree && failures.length === 0) flags.state.dropTree(tree.key);
      failures.push(...dirFailures);
      for (const job of plan.clashes)
        failures.push({
          name: show(source.server, source.project, job.path),
          error: new ApiError(
            0,
            'NameClash',
            `not fetched: ${job.local} is the tree's directory of that name`,
          ),
        });
      const failed = failures.length > 0 ? `, ${failures.length} failed` : '';
      run.progress.finish(`got ${count(got, 'file')}, ${bytes(total)}${failed}`);
      reportFailures(failures);
    });
  },
};
