// The servers the mimeo command knows by name, kept in one JSON file of mode 0600 (it holds secrets):
// $MIMEO_CLIENT_CONFIG, else $XDG_CONFIG_HOME/mimeo/client.json, else ~/.config/mimeo/client.json.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.ts';

export interface ServerEntry {
  url: string;
  /** An access key and its secret. */
  accessKey?: string;
  secretKey?: string;
  /** A personal token (from a password sign-in, or made with `mimeo token create`). */
  token?: string;
  /** The id of that token when `mimeo login` made it, so that `mimeo logout` revokes it. */
  tokenId?: string;
  /** A PEM file of certificates to trust besides the system's. */
  caFile?: string;
}

export interface ServerFile {
  /** The server `:PROJECT/PATH` means; unset: the local server `mimeo serve` runs here. */
  default?: string;
  servers: Record<string, ServerEntry>;
}

export function serverFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MIMEO_CLIENT_CONFIG']) return env['MIMEO_CLIENT_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'mimeo', 'client.json');
}

export function readServers(env: NodeJS.ProcessEnv = process.env): ServerFile {
  const file = serverFilePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as ServerFile;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.servers !== 'object')
      throw new Error('no "servers" object');
    return parsed;
  } catch (err) {
    throw new ConfigError(`${file} is not a client configuration: ${(err as Error).message}`);
  }
}

/** Writes the file whole: a new file of mode 0600 renamed over the old one, so a crash leaves one or the other. */
export function writeServers(value: ServerFile, env: NodeJS.ProcessEnv = process.env): string {
  const file = serverFilePath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

/** The environment's word for a server's setting: MIMEO_SERVER_<NAME>_<KEY>, the name upper-cased, `.`/`-` as `_`. */
export const serverEnv = (name: string, key: string) =>
  `MIMEO_SERVER_${name.toUpperCase().replace(/[.-]/g, '_')}_${key}`;
