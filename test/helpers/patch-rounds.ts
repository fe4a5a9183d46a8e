// Rounds of PATCHes under SIGKILL, for the crash tests of a change made by one request: each file moves through
// generations 1, 2, ... (each a PATCH that sets all of its parts to say the generation), the server is killed at a
// random moment while many are in flight, and after a restart every file must be at the generation last
// acknowledged or at the one in flight, and whole (each test's `generationOf` checks its parts agree).
import assert from 'node:assert/strict';
import { type RunningServer, startServer } from './server.ts';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export interface PatchRounds {
  dataDir: string;
  files: number;
  inFlight: number;
  rounds: number;
  /** Sets up the client for a server, the first one and each one restarted. */
  connect(s: RunningServer): Promise<void>;
  /** Makes file k's generation n; false when the request got no answer (the server died). */
  patch(k: number, n: number): Promise<boolean>;
  /** The generation file k is at after a restart, once its parts are checked to agree. */
  generationOf(k: number, round: number): Promise<number>;
}

/**
 * Runs the rounds against `server` (its files at generation 0) and returns the server running at the end, which the
 * caller stops, and a line per round: how many PATCHes were sent, and how many were made but not answered.
 */
export async function patchRounds(
  server: RunningServer,
  o: PatchRounds,
): Promise<{ server: RunningServer; outcomes: string[] }> {
  const current = { s: server };
  try {
    const outcomes = await rounds(current, o);
    return { server: current.s, outcomes };
  } catch (err) {
    // A failed assertion must not leave a restarted server running: the caller stops only the one it has.
    await current.s.stop('SIGKILL');
    throw err;
  }
}

async function rounds(current: { s: RunningServer }, o: PatchRounds): Promise<string[]> {
  let s = current.s;
  await o.connect(s);
  /** The last generation of each file the server acknowledged. */
  const acked = new Array<number>(o.files).fill(0);
  const outcomes: string[] = [];
  for (let round = 0; round < o.rounds; round++) {
    let stop = false;
    let sent = 0;
    const worker = async (w: number) => {
      for (let k = w; !stop; k = (k + o.inFlight) % o.files) {
        const n = acked[k]! + 1;
        sent++;
        if (!(await o.patch(k, n))) return;
        acked[k] = n;
      }
    };
    const workers = Array.from({ length: o.inFlight }, (_, w) => worker(w));
    await sleep(150 + Math.random() * 350);
    s.proc.kill('SIGKILL');
    stop = true;
    await s.exited;
    await Promise.all(workers);
    s = await startServer({ dataDir: o.dataDir });
    current.s = s;
    await o.connect(s);
    let ahead = 0;
    for (let k = 0; k < o.files; k++) {
      const n = await o.generationOf(k, round);
      // Acknowledged stays; at most the one PATCH in flight when the server died went in unanswered.
      assert.ok(
        n === acked[k] || n === acked[k]! + 1,
        `round ${round}, file ${k} at ${n}: acknowledged ${acked[k]}`,
      );
      if (n > acked[k]!) ahead++;
      acked[k] = n;
    }
    outcomes.push(`${sent} sent, ${ahead} made but not answered`);
  }
  return outcomes;
}
