// mimeo login, logout and servers: the servers the client knows by name, in its configuration file (mode 0600).
// A password sign-in keeps no password: it makes a personal token for this client and keeps that.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError } from '../../config/config.ts';
import { readServers, type ServerEntry, serverFilePath, writeServers } from '../../config/servers.ts';
import { ApiClient, seg } from '../client.ts';
import { withContext } from '../context.ts';
import { columns } from '../output.ts';
import { readSecrets } from '../secret-input.ts';
import { bool, str, UsageError, type Verb } from '../verb.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

function checkName(name: string): string {
  if (!NAME.test(name))
    throw new UsageError(`'${name}' is not a server name (letters, digits, '.', '_' and '-')`);
  return name;
}

/** Signs in with what the flags give and returns what to keep: a key pair, or a personal token. */
async function credentialsFor(
  url: string,
  ca: string | undefined,
  argv: Record<string, unknown>,
): Promise<{ entry: Omit<ServerEntry, 'url' | 'caFile'>; who: string }> {
  const accessKey = str(argv, 'access-key');
  const secretKey = str(argv, 'secret-key');
  const user = str(argv, 'user');
  const token = str(argv, 'token');
  const given = [accessKey || secretKey ? 'key' : '', user ? 'user' : '', token ? 'token' : ''].filter(
    Boolean,
  );
  if (given.length !== 1)
    throw new UsageError(
      'give one way to sign in: --access-key and --secret-key, --user (a password), or --token',
    );
  if (given[0] === 'key') {
    if (!accessKey || !secretKey) throw new UsageError('--access-key and --secret-key go together');
    const who = await whoAmI(new ApiClient({ url, ca, accessKey, secretKey, dataDir: '' }));
    return { entry: { accessKey, secretKey }, who };
  }
  if (given[0] === 'token') {
    const who = await whoAmI(
      new ApiClient({ url, ca, accessKey: undefined, secretKey: undefined, token, dataDir: '' }),
    );
    return { entry: { token }, who };
  }
  const fromStdin = bool(argv, 'password-stdin') || !process.stdin.isTTY;
  const [password] = await readSecrets([`Password for ${user}: `], { fromStdin });
  if (!password) throw new UsageError('no password given');
  const api = new ApiClient({ url, ca, accessKey: undefined, secretKey: undefined, dataDir: '' });
  try {
    api.usePassword(user!, password);
    const made = await api.call<{ id: string; token: string }>(
      'POST',
      `/api/v1/admin/users/${seg(user!)}/tokens`,
      {
        name: `mimeo CLI on ${hostname()}`.slice(0, 128),
      },
    );
    return { entry: { token: made.token, tokenId: made.id }, who: user! };
  } finally {
    api.close();
  }
}

/** Signs in and returns the principal's name: proof that the credentials work before they are kept. */
async function whoAmI(api: ApiClient): Promise<string> {
  try {
    return await api.principalName();
  } finally {
    api.close();
  }
}

export const loginVerb: Verb = {
  command: 'login <name> <url>',
  describe: 'name a server and how to sign in to it; kept in the client configuration (mode 0600)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the name remote paths use: NAME:PROJECT/PATH' })
      .positional('url', {
        type: 'string',
        describe: "the server's API URL, e.g. https://mimeo.example:9001",
      })
      .option('access-key', { type: 'string', requiresArg: true, describe: 'an access key' })
      .option('secret-key', { type: 'string', requiresArg: true, describe: 'its secret key' })
      .option('user', {
        type: 'string',
        requiresArg: true,
        describe: 'a user name: sign in with its password',
      })
      .option('password-stdin', { type: 'boolean', describe: 'read the password from standard input' })
      .option('token', { type: 'string', requiresArg: true, describe: 'a personal token (mimeo_pat_...)' })
      .option('ca', { type: 'string', requiresArg: true, describe: 'a PEM file of certificates to trust' })
      .option('default', {
        type: 'boolean',
        describe:
          'make it the server of :PROJECT/PATH (else that stays the local server, or the default set before)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'the result as JSON' })
      .example('mimeo login lab https://lab.example:9001 --user ana', 'sign in with a password (asked for)')
      .example(
        'mimeo login ci http://127.0.0.1:9001 --access-key AK... --secret-key ... --default',
        'with a key',
      ),
  handler: (argv) =>
    withContext({ json: argv['json'] }, async ({ out }) => {
      const name = checkName(String(argv['name']));
      const url = String(argv['url']).replace(/\/+$/, '');
      try {
        if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
      } catch {
        throw new UsageError(`not an http or https URL: ${url}`);
      }
      const caFile = str(argv, 'ca');
      const ca = caFile ? readCa(caFile) : undefined;
      const { entry, who } = await credentialsFor(url, ca, argv);
      const file = readServers();
      file.servers[name] = { url, ...entry, ...(caFile ? { caFile: resolve(caFile) } : {}) };
      if (bool(argv, 'default')) file.default = name;
      const where = writeServers(file);
      out.result(
        { server: name, url, principal: who, default: file.default === name, config: where },
        () =>
          `signed in to ${name} (${url}) as ${who}${file.default === name ? '; it is the default server' : ''}`,
      );
    }),
};

export const logoutVerb: Verb = {
  command: 'logout <name>',
  describe: 'forget a server (a personal token the client made for it is revoked first)',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .option('json', { type: 'boolean', default: false })
      .example('mimeo logout lab', 'forget lab (a personal token login made for it is revoked)'),
  handler: (argv) =>
    withContext({ json: argv['json'] }, async ({ out }) => {
      const name = String(argv['name']);
      const file = readServers();
      const entry = file.servers[name];
      if (!entry) throw new UsageError(`no server named '${name}' in ${serverFilePath()}`);
      let revoked = false;
      if (entry.token && entry.tokenId) {
        const ca = entry.caFile ? readFileSync(entry.caFile, 'utf8') : undefined;
        const api = new ApiClient({ ...entry, ca, accessKey: undefined, secretKey: undefined, dataDir: '' });
        try {
          await api.call('DELETE', `/api/v1/admin/tokens/${seg(entry.tokenId)}`);
          revoked = true;
        } catch (err) {
          out.note(
            `mimeo: the token of ${name} was not revoked (${(err as Error).message}); it is forgotten here`,
          );
        } finally {
          api.close();
        }
      }
      delete file.servers[name];
      if (file.default === name) delete file.default;
      writeServers(file);
      out.result({ server: name, removed: true, tokenRevoked: revoked }, () =>
        revoked ? `forgot ${name} and revoked its token` : `forgot ${name}`,
      );
    }),
};

function listServers(argv: Record<string, unknown>) {
  return withContext(argv, async ({ out }) => {
    const file = readServers();
    const rows = Object.entries(file.servers).map(([name, s]) => ({
      name,
      url: s.url,
      auth: s.accessKey ? `key ${s.accessKey}` : s.token ? 'personal token' : 'none',
      default: file.default === name,
    }));
    if (out.json) for (const r of rows) out.result(r, () => '');
    else if (rows.length === 0)
      out.result(null, () => `no servers yet: mimeo login NAME URL (config: ${serverFilePath()})`);
    else
      out.result(null, () =>
        columns([
          ['NAME', 'URL', 'SIGN-IN', ''],
          ...rows.map((r) => [r.name, r.url, r.auth, r.default ? 'default' : '']),
        ]),
      );
  });
}

export const serversVerb: Verb = {
  command: 'servers',
  describe: 'the servers the client knows: list (no secrets shown), default NAME',
  builder: (y) =>
    y
      .command(
        ['list', '$0'],
        'list the servers',
        (s) =>
          s
            .option('json', { type: 'boolean', default: false })
            .example('mimeo servers list --json', 'one JSON object per server'),
        listServers,
      )
      .command(
        'default <name>',
        'make a server the one :PROJECT/PATH means',
        (s) =>
          s
            .positional('name', { type: 'string' })
            .option('json', { type: 'boolean', default: false })
            .example('mimeo servers default lab', ':PROJECT/PATH now means lab:PROJECT/PATH'),
        (argv) =>
          withContext(argv, async ({ out }) => {
            const name = String(argv['name']);
            const file = readServers();
            if (!file.servers[name]) throw new UsageError(`no server named '${name}'`);
            file.default = name;
            writeServers(file);
            out.result({ default: name }, () => `the default server is ${name}`);
          }),
      )
      .example('mimeo servers', 'list them')
      .example('mimeo servers default lab', ':PROJECT/PATH now means lab:PROJECT/PATH'),
  handler: async () => {},
};
