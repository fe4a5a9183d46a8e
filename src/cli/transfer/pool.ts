// Running transfers side by side: a fixed number at once, one failing without stopping the others unless its
// error would fail every other one too, and the failures told one line each at the end.
import { ApiError, errorText } from '../client.ts';
import { MismatchError } from './checksums.ts';

export interface Failure {
  name: string;
  error: unknown;
}

/** Codes that hold for the whole run, not one file: the next transfer would fail the same way. */
const FATAL_CODES = new Set(['NoSuchProject', 'AccessDenied', 'NoCredentials', 'InvalidToken']);

/** Whether `err` ends the run: the server unreachable, the credentials refused, no such project or no access. */
export function isFatal(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.status === 0 || err.status === 401 || FATAL_CODES.has(err.code);
}

/**
 * Runs `work` on every item, `parallel` at once, in order of the list. Returns the failures; a fatal error stops
 * new work and is thrown once the work in flight has ended.
 */
export async function runPool<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<void>,
  nameOf: (item: T) => string,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  let fatal: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (fatal === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        if (isFatal(error)) fatal ??= { error };
        else failures.push({ name: nameOf(item), error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  if (fatal) throw fatal.error;
  return failures;
}

/** Runs `work` on every item, `parallel` at once; the first error stops new work and is thrown after the rest. */
export async function forEachLimit<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let failed: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  if (failed) throw failed.error;
}

/** One line for a failed transfer: `mimeo: NAME: CODE: message` (no code when there is none). */
export function failureLine(f: Failure): string {
  const e = f.error;
  const text =
    e instanceof MismatchError ? `${e.code}: ${e.message}` : e instanceof Error ? errorText(e) : String(e);
  return `mimeo: ${f.name}: ${text}`;
}

/** Tells each failure on standard error and makes the exit status 1 (the transfers that worked stay done). */
export function reportFailures(failures: readonly Failure[]): void {
  for (const f of failures) process.stderr.write(`${failureLine(f)}\n`);
  if (failures.length > 0) process.exitCode = 1;
}
