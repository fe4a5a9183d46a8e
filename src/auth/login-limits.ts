// Failed sign-ins, counted per name and per client address in the metadata store, so that every node sees them.
import { isIPv6 } from 'node:net';
import { type CoreDeps, nowOf } from '../core/deps.ts';
import { isStorageError, StorageError } from '../core/errors.ts';
import { freeing } from '../core/space.ts';
import { SerializationError } from '../meta/meta-store.ts';

/** Where sign-in failures are reported (a request's pino logger fits). */
export interface LoginLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LoginAttempt {
  /** How the credential names its owner: a user name ('password') or an access key id ('key'). */
  kind: 'password' | 'key';
  /** The user name or access key id: counted and logged, never a secret. */
  name: string;
  /** The client's address as the transport sees it (counted by its block: see clientBlock). */
  address: string;
  log?: LoginLog | undefined;
}

interface Subject {
  subject: string;
  limit: number;
  /** A success clears this count (the name's), or only takes its own attempt back (the address's). */
  clearedBySuccess: boolean;
}

interface Counted extends Subject {
  windowStart: number;
}

/** Counts one more attempt of a subject; a window that has ended starts again at this attempt. */
const COUNT = `INSERT INTO login_failures (subject, window_start, failures) VALUES (?, ?, 1)
  ON CONFLICT (subject) DO UPDATE SET
    failures = CASE WHEN login_failures.window_start > ? THEN login_failures.failures + 1 ELSE 1 END,
    window_start = CASE WHEN login_failures.window_start > ? THEN login_failures.window_start ELSE ? END
  RETURNING window_start, failures`;

/**
 * The address a client's failures count under: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address by
 * its /64, the block one subscriber holds, within which a client can take a new address for each attempt.
 */
export function clientBlock(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

function tooMany(retryAfterSeconds: number): StorageError {
  return new StorageError(
    'TooManyRequests',
    `Too many failed sign-ins: try again in ${retryAfterSeconds} seconds.`,
    { details: { retryAfterSeconds } },
  );
}

/**
 * Runs `check`, which verifies a credential, under the failed-sign-in limits (`deps.loginLimits`).
 *
 * The attempt is counted against its name and its address before `check` runs, in one transaction: concurrent
 * attempts, on one node or many, cannot pass a limit together. When a count would pass its limit, the
 * transaction is rolled back (a refused attempt counts for nothing), `check` does not run, and TooManyRequests
 * carries the seconds until the window ends, whatever the credential. InvalidCredentials from `check` stays counted
 * and is logged at warn with the name and address (never the secret). A success clears the name's count and takes
 * the attempt back from the address's; any other error takes the attempt back from both.
 */
export async function limitSignIn<T>(
  deps: CoreDeps,
  attempt: LoginAttempt,
  check: () => Promise<T>,
): Promise<T> {
  const { perName, perAddress } = deps.loginLimits;
  const subjects: Subject[] = [
    { subject: `${attempt.kind}:${attempt.name}`, limit: perName, clearedBySuccess: true },
    { subject: `address:${clientBlock(attempt.address)}`, limit: perAddress, clearedBySuccess: false },
  ].filter((s) => s.limit > 0);
  const fields = { signIn: attempt.kind, name: attempt.name, address: attempt.address };
  let counted: Counted[];
  try {
    counted = await count(deps, subjects);
  } catch (err) {
    if (isStorageError(err, 'TooManyRequests'))
      attempt.log?.warn({ ...fields, ...err.details }, 'sign-in refused: too many failures');
    throw err;
  }
  let result: T;
  try {
    result = await check();
  } catch (err) {
    if (isStorageError(err, 'InvalidCredentials')) {
      attempt.log?.warn(fields, 'sign-in failed');
      throw err;
    }
    await settle(deps, counted, false).catch(() => {});
    throw err;
  }
  await settle(deps, counted, true);
  return result;
}

async function count(deps: CoreDeps, subjects: Subject[]): Promise<Counted[]> {
  if (subjects.length === 0) return [];
  const now = nowOf(deps);
  const windowMs = deps.loginLimits.windowSeconds * 1000;
  try {
    // Signing in must work on a full disk, as deletes do.
    return await freeing(deps.reserve, () =>
      deps.meta.tx(async (tx) => {
        const counted: Counted[] = [];
        let ends = 0;
        for (const s of subjects) {
          const since = now - windowMs;
          const row = await tx.get<{ window_start: number; failures: number }>(COUNT, [
            s.subject,
            now,
            since,
            since,
            now,
          ]);
          const windowStart = Number(row!.window_start);
          if (Number(row!.failures) > s.limit) ends = Math.max(ends, windowStart + windowMs);
          counted.push({ ...s, windowStart });
        }
        if (ends > 0) throw tooMany(Math.max(1, Math.ceil((ends - now) / 1000)));
        return counted;
      }),
    );
  } catch (err) {
    // So many attempts on one subject at once that their counts kept colliding: that is a flood too.
    if (err instanceof SerializationError) throw tooMany(1);
    throw err;
  }
}

/** Takes the attempt back: clears the name's count after a success, and drops windows that have ended. */
async function settle(deps: CoreDeps, counted: Counted[], success: boolean): Promise<void> {
  if (counted.length === 0) return;
  const ended = nowOf(deps) - deps.loginLimits.windowSeconds * 1000;
  await freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      for (const c of counted) {
        if (success && c.clearedBySuccess)
          await tx.run('DELETE FROM login_failures WHERE subject = ?', [c.subject]);
        else
          await tx.run(
            'UPDATE login_failures SET failures = failures - 1 WHERE subject = ? AND window_start = ? AND failures > 0',
            [c.subject, c.windowStart],
          );
      }
      if (success) await tx.run('DELETE FROM login_failures WHERE window_start <= ?', [ended]);
    }),
  );
}
