// The parser's view of the account commands (user, key, kms, token, client): their subcommands, positional
// arguments and flags, each run by the command's own function.
import type { Argv, Options } from 'yargs';
import type { Flags, Out } from '../admin-kit.ts';
import { connectionFlags, stringFlags, withConnection } from '../options.ts';
import type { Args, Verb } from '../verb.ts';
import { admin } from './admin.ts';
import { client } from './client.ts';
import { passwd } from './passwd.ts';
import { token } from './token.ts';

/** Each noun's examples, at least one of each subcommand: a subcommand's --help shows its own, the noun's all. */
const EXAMPLES: Record<string, [string, string][]> = {
  user: [
    ['mimeo user list', 'every user: name, display name, administrator flag, id'],
    ['mimeo user create ana --display-name "Ana Lima"', 'a user and its first access key'],
    ['mimeo user show ana', 'ana, her access keys and her roles'],
    ['mimeo user update ana --admin true', 'make ana an administrator'],
    ['mimeo user delete ana', 'delete the user ana'],
    ['mimeo user grant ana genomes write', 'ana may read, copy and write in genomes'],
    ['mimeo user revoke ana genomes', 'ana has no role on genomes any more'],
    ['mimeo user passwd ana', 'set her password (typed twice)'],
  ],
  key: [
    ['mimeo key list ana', "ana's access keys (without USER: every key)"],
    ['mimeo key create ana', 'another access key for ana'],
    ['mimeo key disable AKEXAMPLE', 'refuse it from now on'],
    ['mimeo key enable AKEXAMPLE', 'accept it again'],
    ['mimeo key delete AKEXAMPLE', 'delete it for good'],
  ],
  token: [
    ['mimeo token list ana', "ana's personal tokens: id, name, last use, expiry"],
    ['mimeo token create ana --name laptop --expires-in 2592000', 'a personal token for 30 days'],
    ['mimeo token revoke pt0123', 'the token of that id is refused from now on'],
  ],
  client: [
    ['mimeo client list', 'the OAuth clients, their users and grants'],
    ['mimeo client create etl --user ana --grants client_credentials', 'a client acting as ana'],
    ['mimeo client delete etl', 'delete the client etl'],
  ],
  kms: [
    ['mimeo kms list', 'the KMS keys and whether each is enabled'],
    ['mimeo kms create projects/genomes', 'a KMS key for SSE-KMS'],
    ['mimeo kms disable projects/genomes', 'its objects are unreadable until it is enabled again'],
    ['mimeo kms enable projects/genomes', 'its objects are readable again'],
    ['mimeo kms rotate --data ./data', 'a new master key (against the stores, the server stopped or not)'],
  ],
};

/** Adds to `y` the examples of `mimeo NAME SUB` (every example of NAME when `sub` is undefined). */
export function examples(y: Argv, name: string, sub?: string): Argv {
  const prefix = sub === undefined ? `mimeo ${name} ` : `mimeo ${name} ${sub} `;
  for (const [cmd, what] of EXAMPLES[name] ?? []) if (`${cmd} `.startsWith(prefix)) y.example(cmd, what);
  return y;
}

type Sub = [usage: string, describe: string, flags?: Record<string, Options>];
type Run = (positional: string[], flags: Flags, out: Out) => Promise<number>;

const out: Out = (text) => process.stdout.write(`${text}\n`);

/** A noun with subcommands, each handed to `run` as its positional words and its flags by name. */
export function noun(name: string, describe: string, subs: Sub[], run: Run, more?: (y: Argv) => void): Verb {
  return {
    command: `${name} <command>`,
    describe,
    builder: (y: Argv) => {
      for (const [usage, what, own = {}] of subs) {
        const positionals = [...usage.matchAll(/[<[]([\w-]+)[>\]]/g)].map((m) => m[1]!);
        y.command(
          usage,
          what,
          (s) => {
            for (const p of positionals) s.positional(p, { type: 'string' });
            return examples(withConnection(s).options(own), name, usage.split(' ')[0]);
          },
          async (argv) => {
            const a = argv as Args;
            const words = [
              usage.split(' ')[0]!,
              ...positionals.flatMap((p) => (a[p] === undefined ? [] : [String(a[p])])),
            ];
            const flags = {
              ...connectionFlags(a),
              ...stringFlags(a, Object.keys(own)),
              json: a['json'] ? 'true' : undefined,
            };
            const code = await run(words, flags, out);
            if (code !== 0) process.exitCode = code;
          },
        );
      }
      more?.(y);
      return examples(y, name).demandCommand(1, `name a ${name} command`);
    },
    handler: async () => {},
  };
}

export const userVerb = noun(
  'user',
  'users: list, create, show, update, delete, grant, revoke, passwd',
  [
    ['list', 'list the users'],
    [
      'create <name>',
      'create a user and its first access key',
      { 'display-name': { type: 'string' }, admin: { type: 'boolean', describe: 'an administrator' } },
    ],
    ['show <name>', 'show a user, its keys and its roles'],
    [
      'update <name>',
      "change a user's display name or administrator flag",
      { 'display-name': { type: 'string' }, admin: { type: 'string', choices: ['true', 'false'] } },
    ],
    ['delete <name>', 'delete a user'],
    ['grant <name> <project> <role>', 'give a user a role on a project: read, copy, write or admin'],
    ['revoke <name> <project>', "take a user's role on a project away"],
    [
      'passwd <name>',
      "set a user's password (typed twice, or the first line of standard input)",
      {
        clear: { type: 'boolean', describe: 'remove the password instead' },
        current: { type: 'boolean', describe: 'first ask for the current password (your own)' },
        'password-stdin': { type: 'boolean', describe: 'read the password from standard input' },
      },
    ],
  ],
  (words, flags, o) =>
    words[0] === 'passwd' ? passwd(words.slice(1), flags, o) : admin('user', words, flags, o),
);

export const keyVerb = noun(
  'key',
  'access keys: list, create, disable, enable, delete',
  [
    ['list [user]', "list every access key, or one user's"],
    ['create <user>', 'create an access key for a user (its secret is shown once)'],
    ['disable <key>', 'disable an access key'],
    ['enable <key>', 'enable an access key'],
    ['delete <key>', 'delete an access key'],
  ],
  (words, flags, o) => admin('key', words, flags, o),
);

export const kmsVerbs: Sub[] = [
  ['list', 'list the KMS keys'],
  ['create <name>', 'create a KMS key'],
  ['disable <name>', 'disable a KMS key'],
  ['enable <name>', 'enable a KMS key'],
];

export const tokenVerb = noun(
  'token',
  'personal tokens: list, create, revoke',
  [
    ['list <user>', "list a user's personal tokens"],
    [
      'create <user>',
      'create a personal token (shown once; with --json in the token field)',
      { name: { type: 'string' }, 'expires-in': { type: 'string', describe: 'seconds until it expires' } },
    ],
    ['revoke <id>', 'revoke a personal token'],
  ],
  token,
);

export const clientVerb = noun(
  'client',
  "OAuth clients of SAS Logon's token endpoint: list, create, delete",
  [
    ['list', 'list the clients'],
    [
      'create <id>',
      'register a client (its secret is shown once)',
      {
        user: { type: 'string', describe: 'the user a client_credentials token acts as' },
        grants: { type: 'string', describe: 'password,refresh_token,client_credentials' },
      },
    ],
    ['delete <id>', 'delete a client'],
  ],
  client,
);
