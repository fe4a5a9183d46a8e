// A verb made of subcommands (`mimeo snapshot create ...`), each a Verb of its own.
import type { Argv } from 'yargs';
import type { Verb } from '../verb.ts';

export function group(command: string, describe: string, subs: Verb[]): Verb {
  return {
    command: `${command} <command>`,
    describe,
    builder: (y: Argv) => {
      for (const s of subs)
        y.command(s.command, s.describe, s.builder ?? ((b) => b), (argv) => s.handler(argv));
      return y.demandCommand(
        1,
        `name a ${command} command: ${subs.map((s) => s.command.split(' ')[0]).join(', ')}`,
      );
    },
    handler: async () => {},
  };
}
