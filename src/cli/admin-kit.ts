// What the client commands share: flags checked, a signed-in API client, and output as text or --json.

import { ConfigError } from '../config/config.ts';
import type { ApiClient } from './client.ts';
import { connect } from './connect.ts';
import { connectionFlags } from './options.ts';

export type Flags = Record<string, string | undefined>;
export type Out = (text: string) => void;

export interface Session {
  api: ApiClient;
  /** Writes `value` under --json (a list as one JSON object per line), else the text `text` makes. */
  show(value: unknown, text: () => string): void;
}

/**
 * A client for an account command. The parser has already refused flags the command does not take; the connection
 * is the one every client command resolves (connect.ts).
 */
export function openSession(flags: Flags, out: Out): Session {
  const connection = connectionFlags(flags);
  const json = flags['json'] === 'true';
  return {
    api: connect(undefined, connection),
    show: (value, text) => {
      if (!json) out(text());
      // One compact JSON object per line: a list gives one per item, and no line when it is empty.
      else for (const item of Array.isArray(value) ? value : [value]) out(JSON.stringify(item));
    },
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
