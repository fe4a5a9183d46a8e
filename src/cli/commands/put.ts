// mimeo put LOCAL... REMOTE: files and (with -r) directory trees up to a project, several at once; large files
// in parts, resumed where an interrupted run stopped.
import type { Argv } from 'yargs';
import type { ApiClient } from '../client.ts';
import { withContext } from '../context.ts';
import { isDirectoryOf, makeDirectory } from '../native/dirs.ts';
import { dirUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { bytes, count } from '../output.ts';
import { progress } from '../progress.ts';
import { inProject, parsePath, type RemotePath, show } from '../remote.ts';
import { transferFlags, withTransferFlags } from '../transfer/flags.ts';
import { planPut } from '../transfer/plan-put.ts';
import { isFatal, reportFailures, runPool } from '../transfer/pool.ts';
import { putFile } from '../transfer/put-file.ts';
import { putMultipart } from '../transfer/put-multipart.ts';
import type { Run } from '../transfer/types.ts';
import { type Args, STDIO, strs, UsageError, type Verb } from '../verb.ts';

const RULE = `Where files go (as cp): REMOTE is a directory when it ends in '/', is a project's top (:PROJECT), names a directory that exists, or several LOCAL paths are given; then each LOCAL goes into it under its own name (put -r photos :p/x/ makes x/photos/...). Otherwise REMOTE is the new name (put -r photos :p/new makes new/...); run again after it was interrupted or a file failed, the same put puts the files where the first run did (new/..., not new/photos/...) while :p/new is the directory that run made; any other directory there takes the tree into it. :p/new is made before any file goes (with its missing parents), and a run in which every file fails takes it away again (the parents stay). Existing files are replaced; empty directories are made. Files over --multipart-threshold go up in parts of --part-size, several at once; an interrupted put of such a file, run again, sends only the parts the server does not have, unless the file has changed since (its size, modification time, inode or change time).`;

/**
 * Removes the target directory a run made (entry id `made`) when it is still that one and still empty, and then
 * `forget`s it: a run in which everything failed leaves no target. Anything else there, or a failure to remove it,
 * leaves it as it is (and its record, for a rerun).
 */
async function unmake(api: ApiClient, at: RemotePath, made: string, forget: () => void): Promise<void> {
  try {
    if (!(await isDirectoryOf(api, at, made))) return;
    // Without ?recursive, a directory that holds anything is refused: only an empty one goes. It goes by its path, a
    // round trip after its identity was checked: one removed and made anew, empty, in between would go instead.
    await api.call('DELETE', dirUrl(at.project, at.path));
    forget();
  } catch (err) {
    if (isFatal(err)) throw err;
  }
}

export const putVerb: Verb = {
  command: 'put <paths..>',
  describe: 'send local files (with -r, directories) to a project: put LOCAL... REMOTE',
  builder: (y: Argv) =>
    withTransferFlags(withConnection(y))
      .positional('paths', { type: 'string', array: true, describe: 'LOCAL... then REMOTE (:PROJECT/PATH)' })
      .option('multipart-threshold', {
        type: 'string',
        default: '64MiB',
        describe: 'files larger than this go up in parts',
      })
      .option('part-size', { type: 'string', default: '16MiB', describe: 'the size of each part' })
      .example('mimeo put report.pdf :docs/2026/', 'makes docs/2026/report.pdf')
      .example('mimeo put -r -j 8 ./photos :media/', 'makes media/photos/... 8 files at once')
      .example('mimeo put --checksum big.iso prod:images/big.iso', 'in parts, each checked')
      .epilog(RULE),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const paths = strs(argv, 'paths');
      if (paths.includes(STDIO))
        throw new UsageError(
          "put sends files it can name: reading standard input ('-') is not supported (save it to a file first)",
        );
      if (paths.length < 2) throw new UsageError('put takes LOCAL... REMOTE');
      const target = inProject(paths[paths.length - 1]!);
      const sources = paths.slice(0, -1);
      for (const s of sources)
        if (parsePath(s).kind !== 'local')
          throw new UsageError(`'${s}' is remote: put sends local files (get fetches remote ones)`);
      const flags = transferFlags(argv);
      const api = ctx.api(target.server);
      const { jobs, emptyDirs, unreadable, tree } = await planPut({
        api,
        sources,
        target,
        recursive: argv['recursive'] === true,
        out: ctx.out,
        state: flags.state,
      });
      const total = jobs.reduce((n, j) => n + j.size, 0);
      const run: Run = {
        ...flags,
        api,
        server: target.server,
        project: target.project,
        progress: progress(ctx.interactive, 'bytes', total),
      };
      // The tree becomes the target: made before anything goes, and recorded with its entry id, so that a rerun of a
      // put interrupted at any point after (a file failed, the run was killed) goes where this one did. A target that
      // cannot be made stops the run with nothing sent; a run in which everything fails takes the target away again.
      // One the server found rather than made (another client made it since the plan looked, or the request was sent
      // again after its answer was lost) is recorded too, as the files go into it, but never taken away.
      const targetDir =
        tree && !tree.resumed && jobs.length + emptyDirs.length > 0
          ? await makeDirectory(api, target)
          : undefined;
      if (tree && targetDir) flags.state.saveTree(tree.key, targetDir.id);
      const madeId = targetDir?.made ? targetDir.id : undefined;
      // An empty directory is made (with its parents) as it is; one already there is no error.
      const dirFailures = await runPool(
        emptyDirs,
        run.parallel,
        async (path) => {
          await api.call('PUT', `${dirUrl(target.project, path)}?parents=true`);
        },
        (path) => show(target.server, target.project, path),
      );
      const failures = await runPool(
        jobs,
        run.parallel,
        async (job) => {
          const r = job.size > run.threshold ? await putMultipart(run, job) : await putFile(run, job);
          ctx.out.result(r, () => '');
        },
        (job) => job.local,
      );
      const made = emptyDirs.length - dirFailures.length;
      const dirs = made > 0 ? ` and ${count(made, 'empty directory', 'empty directories')}` : '';
      const failed = [...dirFailures, ...failures];
      if (tree && madeId !== undefined && failed.length === jobs.length + emptyDirs.length)
        await unmake(api, target, madeId, () => flags.state.dropTree(tree.key));
      const bad = failed.length + unreadable.length;
      const failedText = bad > 0 ? `, ${bad} failed` : '';
      run.progress.finish(
        `put ${count(jobs.length - failures.length, 'file')}${dirs}, ${bytes(total)}${failedText}`,
      );
      // What could not be read locally, one line each as its own message says it; the rest went.
      for (const err of unreadable) process.stderr.write(`mimeo: ${err.message}\n`);
      if (unreadable.length > 0) process.exitCode = 1;
      // A failed transfer keeps the record for a rerun; a source that cannot be read, which every run meets, does not.
      if (tree && failed.length === 0) flags.state.dropTree(tree.key);
      reportFailures(failed);
    }),
};
