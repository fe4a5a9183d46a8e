// The mimeo command line: every verb registered once, with generated help, shell completion and usage errors
// (exit 2) told apart from failures (exit 1).
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { clientVerb, keyVerb, tokenVerb, userVerb } from './commands/account-verbs.ts';
import { catVerb } from './commands/cat.ts';
import { cpVerb } from './commands/cp.ts';
import { getVerb } from './commands/get.ts';
import { jobsVerb } from './commands/jobs.ts';
import { loginVerb, logoutVerb, serversVerb } from './commands/login.ts';
import { lsVerb } from './commands/ls.ts';
import { mkdirVerb } from './commands/mkdir.ts';
import { mvVerb } from './commands/mv.ts';
import { putVerb } from './commands/put.ts';
import { rmVerb } from './commands/rm.ts';
import { gcVerb, kmsVerb, scrubVerb, serveVerb } from './commands/server-verbs.ts';
import { snapshotVerb } from './commands/snapshot.ts';
import { statVerb } from './commands/stat.ts';
import { usageVerb } from './commands/usage.ts';
import { versionsVerb } from './commands/versions.ts';
import { STDIO, UsageError, type Verb } from './verb.ts';

/** The version in package.json, the one place it is kept. */
export function version(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** Every verb, in the order `mimeo help` lists them. */
export const VERBS: Verb[] = [
  serveVerb,
  gcVerb,
  scrubVerb,
  putVerb,
  getVerb,
  lsVerb,
  catVerb,
  statVerb,
  mkdirVerb,
  cpVerb,
  mvVerb,
  rmVerb,
  snapshotVerb,
  versionsVerb,
  jobsVerb,
  usageVerb,
  loginVerb,
  logoutVerb,
  serversVerb,
  userVerb,
  keyVerb,
  tokenVerb,
  clientVerb,
  kmsVerb,
];

const EPILOG = `Remote paths: SERVER:PROJECT/PATH names a file or directory on a server added with mimeo login;
:PROJECT/PATH is on the default server. Anything else is a local path.
Exit status: 0 done, 1 failed (the server's code and message on one line), 2 a usage error.`;

/**
 * The arguments with `--` (the end of options) read as a shell user means it: what follows is paths, even one that
 * starts with '-' (a local path: `./-name`; no remote path starts so). The parser alone would leave them unassigned.
 */
function endOfOptions(args: string[]): string[] {
  const end = args.indexOf('--');
  const before = end < 0 ? args : args.slice(0, end);
  const after = end < 0 ? [] : args.slice(end + 1).map((a) => (a.startsWith('-') ? `./${a}` : a));
  return [...before.map(standardStream(before)), ...after];
}

/**
 * A bare '-' kept for put and get, which read it as standard input or output: the parser alone drops it without a
 * word, and `get REMOTE -` would then write ./NAME. After `--` it is a file named '-' (./-).
 */
function standardStream(args: string[]): (a: string) => string {
  const verb = args.find((a) => !a.startsWith('-'));
  return (a) => (a === '-' && (verb === 'get' || verb === 'put') ? STDIO : a);
}

export function buildParser(args: string[], verbs: Verb[] = VERBS): Argv {
  let y = yargs(endOfOptions(args))
    .scriptName('mimeo')
    .usage('usage: mimeo <command> [flags]')
    .strictCommands()
    .strictOptions()
    .exitProcess(false)
    // --version is the top level's own: cat, stat, cp and rm take a --version ID of a file.
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .completion('completion', 'print a shell completion script (bash and zsh: mimeo completion >> ~/.bashrc)')
    .epilog(EPILOG)
    .fail((message, err, failed) => {
      if (err) throw err;
      // The failing command's own usage line (its help's first line), so that the error says what was expected.
      let usage = '';
      failed?.showHelp((help: string) => {
        usage = help.split('\n')[0] ?? '';
      });
      // The parser's words for a bare '-' it was given back as STDIO (see standardStream).
      const said = message.replaceAll(STDIO, '-');
      throw new UsageError(usage.startsWith('mimeo ') ? `${said}\nusage: ${usage}` : said);
    });
  for (const v of verbs)
    y = y.command(v.command, v.describe, v.builder ?? ((b) => b), (argv) =>
      v.handler(argv as Record<string, unknown>),
    );
  return y
    .command(
      'help',
      'show this text',
      (b) => b,
      () => {
        y.showHelp('log');
      },
    )
    .command(
      'version',
      'print the version',
      (b) => b,
      () => {
        process.stdout.write(`${version()}\n`);
      },
    )
    .command(
      '$0',
      false,
      (b) => b.option('version', { alias: 'v', type: 'boolean', describe: 'print the version' }),
      (argv) => {
        if (argv['version'] === true) {
          process.stdout.write(`${version()}\n`);
          return;
        }
        const word = argv._[0];
        // The shell's completion asks through this command too: it has printed its candidates already.
        if (argv['get-yargs-completions'] !== undefined) return;
        if (word !== undefined) throw new UsageError(`unknown command '${word}'`);
        y.showHelp('log');
      },
    );
}
