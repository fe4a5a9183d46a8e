// mimeo cat: a file's bytes to standard output as they arrive: the whole file, a byte range, a version or the file
// as of a snapshot (native/file-out.ts). A reader that stops early (`| head`) ends the download quietly.
import type { Argv } from 'yargs';
import { withContext } from '../context.ts';
import { parseRange } from '../native/byte-range.ts';
import { fileToStdout } from '../native/file-out.ts';
import { withConnection } from '../options.ts';
import { inProject } from '../remote.ts';
import { type Args, str, type Verb } from '../verb.ts';

export const catVerb: Verb = {
  command: 'cat <remote>',
  describe: "write a file's bytes (or a range of them) to standard output",
  builder: (y: Argv) =>
    withConnection(y)
      .positional('remote', { type: 'string', describe: ':PROJECT/PATH of a file' })
      .option('range', {
        type: 'string',
        requiresArg: true,
        describe:
          'OFFSET:LENGTH (OFFSET: for the rest): it starts before the end (0: is the whole file, empty or not)',
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
      await fileToStdout({
        api: ctx.api(at.server),
        at,
        range: parseRange(str(argv, 'range')),
        version: str(argv, 'version'),
        snapshot: str(argv, 'snapshot'),
      });
    }),
};
