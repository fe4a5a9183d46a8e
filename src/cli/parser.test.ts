// Every command's --help, and every subcommand's, shows at least one example, as the parser prints it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildParser, VERBS } from './parser.ts';

/** What `mimeo ARGS` prints: the parser's text, captured (a --help prints and does nothing else). */
function printed(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    buildParser(args).parse(args, {}, (err, _argv, output) => (err ? fail(err) : done(output)));
  });
}

/** The commands a help text lists under "Commands:", as words: `mimeo user create <name>` is ['user', 'create']. */
function commandsIn(help: string): string[][] {
  const section = help.split('\n\n').find((p) => p.startsWith('Commands:'));
  // A description too long for its line goes on under it, indented: not a command.
  const lines = section?.split('\n').filter((l) => l.startsWith('  mimeo ')) ?? [];
  return lines.map((line) =>
    (line.trim().split(/\s{2,}/)[0] ?? '')
      .split(' ')
      .slice(1)
      .filter((w) => !/^[<[]/.test(w)),
  );
}

test("every verb's --help and every subcommand's lists at least one example", async () => {
  const lacking: string[] = [];
  const check = async (words: string[]): Promise<string> => {
    const help = await printed([...words, '--help']);
    const examples = help.split('\n\n').find((p) => p.startsWith('Examples:'));
    if (!examples || !/\n {2}mimeo \S/.test(examples)) lacking.push(`mimeo ${words.join(' ')} --help`);
    return help;
  };
  let checked = 0;
  for (const v of VERBS) {
    const name = v.command.split(' ')[0]!;
    const help = await check([name]);
    checked++;
    for (const sub of commandsIn(help)) {
      assert.equal(sub[0], name, `a subcommand of ${name}: ${sub.join(' ')}`);
      await check(sub);
      checked++;
    }
  }
  assert.ok(checked > VERBS.length, 'subcommands are checked too');
  assert.deepEqual(lacking, []);
});
