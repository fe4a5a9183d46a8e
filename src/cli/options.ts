// The flags commands share, declared once for the parser: how a client command reaches its server, and the server
// settings that `serve`, `gc`, `scrub` and `kms rotate` read.
import type { Argv } from 'yargs';
import { describeSettings } from '../config/config.ts';
import type { ConnectionFlags } from './connect.ts';

const CONNECTION = {
  server: 'a server named with mimeo login (default: the configured default, else the local server)',
  url: "the server's API URL (MIMEO_URL)",
  'access-key': 'sign in with this access key (MIMEO_ACCESS_KEY)',
  'secret-key': 'and its secret (MIMEO_SECRET_KEY)',
  token: 'sign in with a personal token (MIMEO_TOKEN)',
  ca: 'a PEM file of certificates to trust (MIMEO_CA_FILE)',
  data: "the local server's data directory, to find root's credentials (MIMEO_DATA_DIR)",
  'api-port': "the local server's API port (MIMEO_API_PORT)",
  host: "the local server's host (MIMEO_HOST)",
  'root-access-key': "root's access key (MIMEO_ROOT_ACCESS_KEY)",
  'root-secret-key': "root's secret key (MIMEO_ROOT_SECRET_KEY)",
  config: "the server's JSON settings file, read as serve reads it (MIMEO_CONFIG)",
} as const;

/** Adds the connection flags and --json to a client command. */
export function withConnection<T>(y: Argv<T>): Argv<T> {
  for (const [name, describe] of Object.entries(CONNECTION))
    y.option(name, { type: 'string', describe, group: 'Connection:', requiresArg: true });
  y.option('json', { type: 'boolean', default: false, describe: 'one JSON object per result' });
  return y;
}

/** The connection flags of parsed arguments, as connect() takes them. */
export function connectionFlags(argv: Record<string, unknown>): ConnectionFlags {
  const out: Record<string, string> = {};
  for (const name of Object.keys(CONNECTION)) if (typeof argv[name] === 'string') out[name] = argv[name];
  return out;
}

const SETTING_FLAGS = [...describeSettings().map((s) => s.flag.slice(2)), 'config'];

/** Adds every server setting (as strings: the settings loader checks them) to a server command. */
export function withSettings<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const s of describeSettings())
    out = out.option(s.flag.slice(2), { type: 'string', describe: s.env, group: 'Settings:' });
  return out.option('config', {
    type: 'string',
    describe: 'a JSON settings file (MIMEO_CONFIG)',
    group: 'Settings:',
  });
}

/** The server settings of parsed arguments, as loadConfig() takes them; a bare boolean flag counts as true. */
export function settingFlags(argv: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SETTING_FLAGS) {
    const v = argv[name];
    if (typeof v === 'string') out[name] = v === '' ? 'true' : v;
  }
  return out;
}

/** The string flags of parsed arguments (kebab-case names), for commands that read them by name. */
export function stringFlags(argv: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = argv[n];
    if (v === true) out[n] = 'true';
    else if (typeof v === 'string' || typeof v === 'number') out[n] = String(v);
  }
  return out;
}
