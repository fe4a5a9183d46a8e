// Which server a client command talks to and how it signs in: a named server of the client configuration (with
// MIMEO_SERVER_<NAME>_* overriding it), or the default one; flags win over the environment, which wins over the file.
import { readFileSync } from 'node:fs';
import { type ClientConfig, ConfigError, loadClientConfig } from './config.ts';
import { readServers, type ServerEntry, serverEnv } from './servers.ts';

/** The connection flags every client command takes (src/cli/options.ts declares them). */
export type ConnectionFlags = Partial<
  Record<
    | 'url'
    | 'access-key'
    | 'secret-key'
    | 'token'
    | 'ca'
    | 'data'
    | 'api-port'
    | 'host'
    | 'root-access-key'
    | 'root-secret-key'
    | 'config'
    | 'server',
    string
  >
>;

/** Flags that point at the local server the way `mimeo serve` is told where it listens. */
const LOCAL_FLAGS = [
  'url',
  'data',
  'api-port',
  'host',
  'config',
  'root-access-key',
  'root-secret-key',
] as const;
const LOCAL_ENV = ['MIMEO_URL', 'MIMEO_API_PORT', 'MIMEO_HOST', 'MIMEO_DATA_DIR', 'MIMEO_CONFIG'];

function readCa(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

function named(name: string, flags: ConnectionFlags, env: NodeJS.ProcessEnv): ClientConfig {
  const saved: ServerEntry | undefined = readServers(env).servers[name];
  const pick = (key: string, own: string | undefined) => env[serverEnv(name, key)] || own;
  const url = flags.url ?? pick('URL', saved?.url);
  if (!url) throw new ConfigError(`no server named '${name}': add it with mimeo login ${name} URL`);
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`not a URL: ${url}`);
  }
  const config: ClientConfig = {
    url,
    accessKey: flags['access-key'] ?? pick('ACCESS_KEY', saved?.accessKey),
    secretKey: flags['secret-key'] ?? pick('SECRET_KEY', saved?.secretKey),
    token: undefined,
    ca: readCa(flags.ca ?? pick('CA_FILE', saved?.caFile)),
    dataDir: '',
  };
  const at = (key: string) => env[serverEnv(name, key)] || undefined;
  return oneKind(config, flags, {
    keys: at('ACCESS_KEY') !== undefined || at('SECRET_KEY') !== undefined,
    token: at('TOKEN'),
    saved: saved?.token,
  });
}

/**
 * One kind of credential, from the highest source that gives any: flags (`--access-key`/`--secret-key`, or
 * `--token`), then the environment (keys, or a token), then what is saved (a login's keys or token; root's key for
 * the local server). A token given as a flag never loses to a key found in the environment: the command would act
 * as another identity without a word.
 */
function oneKind(
  config: ClientConfig,
  flags: ConnectionFlags,
  env: { keys: boolean; token: string | undefined; saved?: string | undefined },
): ClientConfig {
  const keysOnly = { ...config, token: undefined };
  const tokenOnly = (token: string) => ({ ...config, accessKey: undefined, secretKey: undefined, token });
  if (flags['access-key'] !== undefined || flags['secret-key'] !== undefined) return keysOnly;
  if (flags.token !== undefined) return tokenOnly(flags.token);
  if (env.keys) return keysOnly;
  if (env.token !== undefined) return tokenOnly(env.token);
  if (config.accessKey && config.secretKey) return keysOnly;
  return env.saved !== undefined ? tokenOnly(env.saved) : keysOnly;
}

/**
 * The client settings for `server` (undefined: the default). The default is the configuration file's `default`
 * server, unless a flag or variable points at a local server; with neither, it is the local server on its default
 * port, signed in as root when no key is given (root's key read as `serve` reads it; the caller may look in the
 * data directory, `dataDir`, for the file the server wrote).
 */
export function clientConfigFor(
  server: string | undefined,
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ClientConfig {
  const name = server ?? flags.server;
  if (name) return named(name, flags, env);
  const local = LOCAL_FLAGS.some((f) => flags[f] !== undefined) || LOCAL_ENV.some((v) => env[v]);
  const fallback = readServers(env).default;
  if (!local && fallback) return named(fallback, flags, env);
  const { token: _token, server: _, ...rest } = flags;
  return oneKind(loadClientConfig({ flags: rest, env }), flags, {
    keys: Boolean(env['MIMEO_ACCESS_KEY'] || env['MIMEO_SECRET_KEY']),
    token: env['MIMEO_TOKEN'] || undefined,
  });
}
