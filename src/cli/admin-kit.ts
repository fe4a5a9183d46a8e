// What the client commands share: flags checked, a signed-in API client, and output as text or --json.
import { readRootCredentials } from '../auth/root-credentials.ts';
import { CLIENT_FLAGS, ConfigError, loadClientConfig } from '../config/config.ts';
import { ApiClient } from './client.ts';

export type Flags = Record<string, string | undefined>;
export type Out = (text: string) => void;

export interface Session {
  api: ApiClient;
  /** Writes `value` as JSON under --json, else the text `text` makes. */
  show(value: unknown, text: () => string): void;
}

/**
 * A client for a command that accepts `own` flags besides the client's. Throws ConfigError on any other flag.
 * Without a key in flags or the environment, the root credentials in the data directory are used.
 */
export function openSession(flags: Flags, own: readonly string[], out: Out): Session {
  for (const f of Object.keys(flags))
    if (!CLIENT_FLAGS.includes(f) && !own.includes(f) && f !== 'json')
      throw new ConfigError(`unknown flag --${f}`);
  const clientFlags = Object.fromEntries(Object.entries(flags).filter(([k]) => CLIENT_FLAGS.includes(k)));
  const config = loadClientConfig({ flags: clientFlags });
  if (!config.accessKey || !config.secretKey) {
    const root = readRootCredentials(config.dataDir);
    if (root) Object.assign(config, { accessKey: root.accessKey, secretKey: root.secretKey });
  }
  const json = flags['json'] === 'true';
  return {
    api: new ApiClient(config),
    show: (value, text) => out(json ? JSON.stringify(value, null, 2) : text()),
  };
}

export function table(rows: object[], columns: string[]): string {
  const cell = (r: object, c: string) => String((r as Record<string, unknown>)[c] ?? '');
  const cells = [columns, ...rows.map((r) => columns.map((c) => cell(r, c)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const fields = (o: object) =>
  Object.entries(o)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join('\n');

/** The positional arguments, when there are exactly `n` of them; else ConfigError with the usage. */
export function args(positional: string[], n: number, usage: string): string[] {
  if (positional.length !== n) throw new ConfigError(`usage: mimeo ${usage}`);
  return positional;
}
