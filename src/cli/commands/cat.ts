// mimeo cat: a file's bytes to standard output as they arrive: the whole file, a byte range, a version or the file
// as of a snapshot. A reader that stops early (`| head`) ends the download quietly.
import { pipeline } from 'node:stream/promises';
import type { Argv } from 'yargs';
import { ApiError } from '../client.ts';
import { withContext } from '../context.ts';
import { parseRange, rangeHeader } from '../native/byte-range.ts';
import { remoteIsDir, requireDirectory } from '../native/dirs.ts';
import { query } from '../native/pages.ts';
import { fileUrl } from '../native/urls.ts';
import { withConnection } from '../options.ts';
import { inProject } from '../remote.ts';
import { type Args, str, UsageError, type Verb } from '../verb.ts';

export const catVerb: Verb = {
  command: 'cat <remote>',
  describe: "write a file's bytes (or a range of them) to standard output",
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH of a file' })
      .option('range', {
        type: 'string',
        requiresArg: true,
        describe: 'OFFSET:LENGTH (OFFSET: for the rest)',
      })
      .option('version', { type: 'string', requiresArg: true, describe: 'a version id' })
      .option('snapshot', {
        type: 'string',
        requiresArg: true,
        describe: 'as of a snapshot: its name, id or number',
      })
      .example('mimeo cat :proj/notes.txt', 'the whole file')
      .example('mimeo cat --range 1024:512 :proj/data.bin | xxd', '512 bytes from offset 1024')
      .example('mimeo cat --snapshot daily :proj/notes.txt', 'the file as the snapshot "daily" has it'),
  handler: (argv: Args) =>
    withContext(argv, async (ctx) => {
      const at = inProject(str(argv, 'remote')!);
      if (at.path === '') throw new UsageError(`'${at.text}' names a project, not a file`);
      const range = parseRange(str(argv, 'range'));
      const q = query({ versionId: str(argv, 'version'), snapshot: str(argv, 'snapshot') });
      const api = ctx.api(at.server);
      const isDirectory = () =>
        new ApiError(0, 'IsADirectory', `'${at.text}' is a directory: ls lists it, get -r fetches it`);
      if (at.dirHint) {
        await requireDirectory(api, at, str(argv, 'snapshot'));
        throw isDirectory();
      }
      const res = await api
        .raw({
          method: 'GET',
          path: `${fileUrl(at.project, at.path)}${q}`,
          headers: range ? { range: rangeHeader(range) } : {},
        })
        .catch(async (err: unknown) => {
          // No file there: a directory of that name is told as one, as cat(1) does.
          if (err instanceof ApiError && err.status === 404 && q === '' && (await remoteIsDir(api, at)))
            throw isDirectory();
          throw err;
        });
      try {
        await pipeline(res, process.stdout, { end: false });
      } catch (err) {
        res.destroy();
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw new ApiError(
          0,
          'Interrupted',
          `the download of ${at.text} was cut off: ${(err as Error).message}`,
        );
      }
    }),
};
