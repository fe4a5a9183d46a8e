// mimeo rm: deletes a file (a delete marker under versioning), one version of it for good (--version), an empty
// directory (a path ending in /), or a directory with everything below it (-r: a job, watched to its end; a file
// named with -r goes as without it, as rm(1) -r takes a file).
import type { Argv } from 'yargs';
import { type ApiClient, ApiError, errorText } from '../client.ts';
import { withContext } from '../context.ts';
import { type JobJson, progressText, watchJob } from '../native/jobs.ts';
import { query } from '../native/pages.ts';
import { dirUrl, fileUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { inProject, type RemotePath, show } from '../remote.ts';
import { type Args, bool, str, UsageError, type Verb } from '../verb.ts';

/**
 * Why a file delete found nothing: a directory there is a usage error that says how to remove one; else NoSuchKey
 * naming the path. Any other error stands.
 */
async function notAFile(api: ApiClient, at: RemotePath, err: unknown): Promise<never> {
  if (!(err instanceof ApiError && err.code === 'NoSuchKey')) throw err;
  const dir = await api.call('GET', `${dirUrl(at.project, at.path)}?limit=1`).catch(() => undefined);
  if (dir)
    throw new UsageError(
      `'${at.text}' is a directory: rm -r removes it with everything below, ${at.text}/ an empty one`,
    );
  throw new ApiError(err.status, err.code, `no file exists at ${at.text}`);
}

export const rmVerb: Verb = {
  command: 'rm <remote..>',
  describe: 'delete files, a version, an empty directory (PATH/), or a tree (-r, a job)',
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH' })
      .option('recursive', {
        alias: 'r',
        type: 'boolean',
        describe: 'a directory and everything below it (a file: as without -r)',
      })
      .option('version', {
        type: 'string',
        requiresArg: true,
        describe: 'delete this version of the file for good',
      })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'watch a tree delete to its end (--no-wait: print the job)',
      })
      .example('mimeo rm :proj/a.csv', 'delete a file (under versioning: a delete marker)')
      .example('mimeo rm --version 3f2a... :proj/a.csv', 'remove one version for good')
      .example('mimeo rm -r :proj/scratch', 'delete scratch/ and everything below it'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const places = (argv['remote'] as unknown[]).map((t) => inProject(String(t)));
      const versionId = str(argv, 'version');
      const tree = bool(argv, 'recursive');
      if (tree && versionId)
        throw new UsageError('--version deletes one version of a file: give no -r with it');
      if (versionId && places.length > 1) throw new UsageError('--version names a version of one file');
      for (const at of places)
        if (at.path === '')
          throw new UsageError(`'${at.text}' is a whole project: rm removes what is in one`);
      // Like rm(1): a path that cannot be removed is told on its own line (each message names its path), the rest
      // are removed, and the exit status is the worst: 2 for a usage error (a directory without -r), else 1.
      for (const at of places) {
        try {
          await removeOne(at, show(at.server, at.project, at.path));
        } catch (error) {
          if (!(error instanceof ApiError || error instanceof UsageError)) throw error;
          process.stderr.write(`mimeo: ${errorText(error)}\n`);
          process.exitCode = Math.max(Number(process.exitCode ?? 0), error instanceof UsageError ? 2 : 1);
        }
      }

      async function removeOne(at: RemotePath, name: string): Promise<void> {
        const api = ctx.api(at.server);
        if (tree) {
          // A file there (and no directory) goes as a file, as rm -r FILE does; `PATH/` names a directory, so a
          // file there stays NotADirectory.
          const started = await api
            .call<{ job: JobJson }>('DELETE', `${dirUrl(at.project, at.path)}?recursive=true`)
            .catch((err: unknown) => {
              if (err instanceof ApiError && err.code === 'NotADirectory' && !at.dirHint) return undefined;
              throw err;
            });
          if (!started) return removeFile(at, name);
          const { job } = started;
          const done = bool(argv, 'wait') ? await watchJob(ctx, api, job) : job;
          ctx.out.result(
            done,
            () =>
              `${done.state === 'succeeded' ? 'deleted' : `job ${done.id} ${done.state}:`} ${name}/ (${progressText(done)})`,
          );
        } else if (at.text.endsWith('/')) {
          await api.call('DELETE', dirUrl(at.project, at.path));
          ctx.out.result(
            { project: at.project, path: at.path, type: 'directory', deleted: true },
            () => `deleted ${name}/`,
          );
        } else await removeFile(at, name);
      }

      async function removeFile(at: RemotePath, name: string): Promise<void> {
        const api = ctx.api(at.server);
        const res = await api
          .raw({
            method: 'DELETE',
            path: `${fileUrl(at.project, at.path)}${query({ versionId })}`,
            // Only a file that is there: under versioning a delete of nothing would leave a delete marker.
            headers: versionId ? {} : { 'if-match': '*' },
          })
          .catch((err) => notAFile(api, at, err));
        res.resume();
        const marker = res.headers['x-mimeo-delete-marker'] === 'true';
        const version = res.headers['x-mimeo-version-id'];
        const value = {
          project: at.project,
          path: at.path,
          type: 'file',
          deleted: true,
          versionId: version ?? null,
          deleteMarker: marker,
        };
        ctx.out.result(
          value,
          () =>
            `deleted ${name}${versionId ? ` version ${versionId}` : marker ? ` (delete marker ${version})` : ''}`,
        );
      }
    }),
};
