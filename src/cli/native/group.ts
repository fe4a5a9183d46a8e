// A verb made of subcommands (`mimeo snapshot create ...`), each a Verb of its own.
import type { Argv } from 'yargs';
import type { Verb } from '../verb.ts';

/** `examples` are the group's own --help's (each subcommand's --help shows those its builder gives). */
export function group(
  command: string,
  describe: string,
  subs: Verb[],
  examples: [string, string][] = [],
): Verb {
  return {
    command: `${command} <command>`,
    describe,
    builder: (y: Argv) => {
      for (const s of subs)
        y.command(s.command, s.describe, s.builder ?? ((b) => b), (argv) => s.handler(argv));
      for (const [cmd, what] of examples) y.example(cmd, what);
      return y.demandCommand(
        1,
        `name a ${command} command: ${subs.map((s) => s.command.split(' ')[0]).join(', ')}`,
      );
    },
    handler: async () => {},
  };
}
