// Writes planned against a file's current version and committed only if it is still current (a write at an offset,
// a range copy into a file): the planning reads blocks, so it cannot sit inside the transaction. Writers of one file
// on this node take turns, so that they do not spend their tries on each other; writers on other nodes are met by
// trying again after a random pause that grows with each try.
import { setTimeout as sleep } from 'node:timers/promises';

/** The version planned against is no longer current: plan again. */
export class StalePlan extends Error {}

/** Tries before giving up: enough for the writers of other nodes to pass, each pause under 100 ms. */
const TRIES = 16;

/** The last turn taken on each file of this node, by key. */
const turns = new Map<string, Promise<unknown>>();

/**
 * Runs `attempt` (plan, then commit; it throws StalePlan when the version it planned against was replaced) in this
 * node's turn for `key`, again while it is stale; after TRIES, throws what `exhausted` makes.
 */
export function whileStale<T>(key: string, attempt: () => Promise<T>, exhausted: () => Error): Promise<T> {
  const run = async () => {
    for (let n = 0; n < TRIES; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof StalePlan)) throw err;
      }
      await sleep(Math.random() * Math.min(2 ** n, 64));
    }
    throw exhausted();
  };
  const previous = turns.get(key) ?? Promise.resolve();
  const mine = previous.then(run, run);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return mine;
}

/** The key of a file's turn: its project and path. */
export const fileKey = (project: string, path: string) => `${project}\u0000${path}`;
