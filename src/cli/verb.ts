// The shape of one command for the parser, and typed reads of its parsed arguments.
import type { Argv } from 'yargs';

export type Args = Record<string, unknown>;

export interface Verb {
  /** yargs' command text: the name and its positional arguments, e.g. `cp <source> <target>`. */
  command: string;
  describe: string;
  builder?: (y: Argv) => Argv;
  handler: (argv: Args) => Promise<void>;
}

/** A bare '-' on the command line of put or get (see parser.ts): standard input or output, never a file's name. */
export const STDIO = '\u0000-';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const str = (a: Args, name: string): string | undefined =>
  typeof a[name] === 'string' || typeof a[name] === 'number' ? String(a[name]) : undefined;

export const bool = (a: Args, name: string): boolean => a[name] === true;

export const strs = (a: Args, name: string): string[] => {
  const v = a[name];
  if (Array.isArray(v)) return v.map(String);
  return v === undefined ? [] : [String(v)];
};

/** A whole number of at least `min` from a flag, or UsageError. */
export function int(a: Args, name: string, min = 0): number | undefined {
  const raw = str(a, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min)
    throw new UsageError(`--${name} is a whole number${min > 0 ? ` of at least ${min}` : ''}, got '${raw}'`);
  return Number(raw);
}
