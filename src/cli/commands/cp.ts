// mimeo cp: a copy on the server (POST /api/v1/copy), never through the client: a file, a byte range of it into an
// offset of another, a version or a snapshot's file, or a whole directory or project with -r (a job, watched).
import type { Argv } from 'yargs';
import { type ApiClient, ApiError } from '../client.ts';
import { withContext } from '../context.ts';
import { type ByteRange, checkRange, parseRange, rangeText } from '../native/byte-range.ts';
import { intoDirectory, requireDirectory } from '../native/dirs.ts';
import type { FileRow } from '../native/entries.ts';
import { type JobJson, progressText, watchJob } from '../native/jobs.ts';
import { pages } from '../native/pages.ts';
import { conflictOption, sameServer, targetPath } from '../native/targets.ts';
import { projectUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { bytes } from '../output.ts';
import { inProject, type RemotePath, show } from '../remote.ts';
import { type Args, bool, int, str, strs, UsageError, type Verb } from '../verb.ts';

interface Receipt {
  mode: string;
  source: { project: string; path: string; versionId: string };
  target: { project: string; path: string; versionId: string };
  bytes: number;
  remainder?: Record<string, unknown>;
}

const ATTRIBUTES = ['content-type', 'content-disposition', 'content-encoding', 'cache-control'] as const;
const camel = (s: string) => s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** KEY=VALUE flags as an object; UsageError for one without '='. */
function pairs(argv: Args, name: string): Record<string, string> | undefined {
  const list = strs(argv, name);
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} is KEY=VALUE, got '${p}'`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** The metadata of the request: --metadata, and the attributes given (which alone mean `merge`). */
function metadata(argv: Args): Record<string, unknown> | undefined {
  const given: Record<string, unknown> = {};
  for (const a of ATTRIBUTES) if (str(argv, a) !== undefined) given[camel(a)] = str(argv, a);
  const userMetadata = pairs(argv, 'meta');
  const tags = pairs(argv, 'tag');
  if (userMetadata) given['userMetadata'] = userMetadata;
  if (tags) given['tags'] = tags;
  const directive = str(argv, 'metadata') ?? (Object.keys(given).length > 0 ? 'merge' : undefined);
  return directive === undefined ? undefined : { directive, ...given };
}

/** Whether a path holds files below it but none at it: a directory, which takes -r. */
async function isDirectory(api: ApiClient, src: RemotePath, snapshot: string | undefined): Promise<boolean> {
  for await (const f of pages<FileRow>(api, {
    path: `${projectUrl(src.project)}/files`,
    key: 'files',
    params: { prefix: src.path, limit: 1, snapshot },
  }))
    return f.path !== src.path && f.path.startsWith(`${src.path}/`);
  return false;
}

/** The source as messages name it: its path, and the version or snapshot copied from (whose size a range meets). */
const sourceText = (src: RemotePath, at: { versionId?: string; snapshot?: string }) =>
  `${src.text}${at.versionId === undefined ? '' : ` version ${at.versionId}`}${at.snapshot === undefined ? '' : ` at snapshot ${at.snapshot}`}`;

/**
 * The server's InvalidRange for a range copy, in the words of `--range` (byte-range.ts): where the range starts
 * against the size the server measured, naming the version or snapshot. Any other error as it is.
 */
function rangeRefusal(
  err: unknown,
  src: RemotePath,
  range: ByteRange,
  at: { versionId?: string; snapshot?: string },
) {
  if (err instanceof ApiError && err.code === 'InvalidRange' && err.size !== undefined)
    checkRange(range, err.size, sourceText(src, at));
  return err;
}

export const cpVerb: Verb = {
  command: 'cp <source> <target>',
  describe: 'copy on the server: a file, a byte range into an offset, or a tree with -r (a job)',
  builder: (y: Argv) =>
    conflictOption(withConnection(y))
      .positional('source', { type: 'string', describe: ':PROJECT/PATH' })
      .positional('target', { type: 'string', describe: ':PROJECT/PATH (ending in / or a project: into it)' })
      .option('recursive', {
        alias: 'r',
        type: 'boolean',
        describe: 'a directory or a whole project, as a job',
      })
      .option('range', {
        type: 'string',
        requiresArg: true,
        describe:
          'copy OFFSET:LENGTH (OFFSET: for the rest) of the source: it starts before the end, and stops at the end',
      })
      .option('at', {
        type: 'string',
        requiresArg: true,
        describe: 'write it at this offset of the target file',
      })
      .option('version', { type: 'string', requiresArg: true, describe: 'a version id of the source' })
      .option('snapshot', { type: 'string', requiresArg: true, describe: 'the source as of a snapshot' })
      .option('metadata', {
        choices: ['copy', 'replace', 'merge'],
        describe: "the source's attributes: kept (copy), replaced or merged",
      })
      .option('content-type', {
        type: 'string',
        requiresArg: true,
        describe: "the copy's Content-Type (alone: --metadata merge)",
      })
      .option('content-disposition', {
        type: 'string',
        requiresArg: true,
        describe: "the copy's Content-Disposition (alone: --metadata merge)",
      })
      .option('content-encoding', {
        type: 'string',
        requiresArg: true,
        describe: "the copy's Content-Encoding (alone: --metadata merge)",
      })
      .option('cache-control', {
        type: 'string',
        requiresArg: true,
        describe: "the copy's Cache-Control (alone: --metadata merge)",
      })
      .option('meta', {
        type: 'string',
        requiresArg: true,
        describe: 'user metadata KEY=VALUE (again for more)',
      })
      .option('tag', { type: 'string', requiresArg: true, describe: 'a tag KEY=VALUE (again for more)' })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'watch a tree copy to its end (--no-wait: print the job)',
      })
      .example('mimeo cp :proj/a.csv :proj/archive/', 'archive/a.csv, sharing the blocks of a.csv')
      .example('mimeo cp -r :proj/data :other/data-copy', 'the tree below data/ into another project')
      .example(
        'mimeo cp --range 0:4096 --at 8192 :proj/a.bin :proj/b.bin',
        '4 KiB of a.bin into b.bin at 8192',
      )
      .example(
        'mimeo cp --snapshot daily :proj/a.csv :proj/a-yesterday.csv',
        'the file as the snapshot had it',
      ),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const src = inProject(str(argv, 'source')!);
      const tgt = inProject(str(argv, 'target')!);
      sameServer(ctx, src, tgt, 'copy');
      const api = ctx.api(src.server);
      const tree = bool(argv, 'recursive');
      const range = parseRange(str(argv, 'range'));
      const at = int(argv, 'at');
      const versionId = str(argv, 'version');
      const snapshot = str(argv, 'snapshot');
      if (tree && (range || at !== undefined || versionId))
        throw new UsageError('a tree copy (-r) takes --snapshot, but no --range, --at or --version');
      if (!tree && src.path === '') throw new UsageError(`'${src.text}' is a whole project: copy it with -r`);
      if (src.dirHint) await requireDirectory(api, src, snapshot);
      if (tgt.dirHint) await intoDirectory(api, tgt);
      if (
        !tree &&
        !range &&
        at === undefined &&
        !versionId &&
        (src.dirHint || (await isDirectory(api, src, snapshot)))
      )
        throw new UsageError(`'${src.text}' is a directory: copy it with -r`);
      const body = {
        source: {
          project: src.project,
          path: tree && src.path !== '' ? `${src.path}/` : src.path,
          versionId,
          snapshot,
          offset: range?.offset,
          length: range?.length,
        },
        target: { project: tgt.project, path: targetPath(src, tgt, tree), offset: at },
        conflict: str(argv, 'conflict'),
        metadata: metadata(argv),
      };
      const reply = await api
        .call<Receipt | { job: JobJson }>('POST', '/api/v1/copy', body)
        .catch((err: unknown) => {
          throw range ? rangeRefusal(err, src, range, { versionId, snapshot }) : err;
        });
      const from = show(src.server, src.project, src.path);
      if ('job' in reply) {
        const to = `${show(tgt.server, tgt.project, body.target.path)}/`;
        const job = bool(argv, 'wait') ? await watchJob(ctx, api, reply.job) : reply.job;
        return ctx.out.result(
          job,
          () =>
            `${job.state === 'succeeded' ? 'copied' : `job ${job.id} ${job.state}:`} ${from}/ → ${to} (${progressText(job)})`,
        );
      }
      // A bounded range copy may stop early and name the rest: send that until the whole range is copied.
      let receipt = reply;
      let total = receipt.bytes;
      while (receipt.remainder) {
        receipt = await api.call<Receipt>('POST', '/api/v1/copy', receipt.remainder);
        total += receipt.bytes;
      }
      // A range past the source's end is cut there, as an HTTP range is: the bytes copied say where.
      if (range?.length !== undefined && total < range.length)
        ctx.out.note(
          `--range ${rangeText(range)} runs past the end of ${sourceText(src, { versionId, snapshot })}: ${total} bytes copied`,
        );
      const done = { ...receipt, bytes: total };
      const to = show(tgt.server, done.target.project, done.target.path);
      ctx.out.result(
        done,
        () =>
          `copied ${from} → ${to} (${bytes(total)}, ${done.mode}${done.target.versionId && done.target.versionId !== 'null' ? `, version ${done.target.versionId}` : ''})`,
      );
    }),
};
