// Scrub: a job that reads every block back (block files and small blocks' rows alike) and reports bit rot with the
// files and versions that reference each bad block, before a reader meets it as DataCorrupted.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import {
  defineJob,
  endJob,
  insertJob,
  type Job,
  type JobContext,
  JobRunner,
  LeaseLost,
  readJob,
} from './jobs.ts';
import type { Principal } from './model.ts';
import { requireAdmin } from './permissions.ts';
import { type BadBlock, checkBlock, describeBadBlock, ScrubKeys, type ScrubRow } from './scrub-check.ts';

export interface ScrubProgress {
  blocksChecked: number;
  bytesChecked: number;
  /** Blocks no server key opens (under customer keys only): their bytes cannot be authenticated here. */
  blocksSkipped: number;
  /** Every bad block found; `bad` lists the first MAX_LISTED of them. */
  badBlocks: number;
  bad: BadBlock[];
  /** The last block id checked: a resumed pass goes on after it. */
  cursor?: string;
}

interface ScrubSpec {
  /** Block rows read per page. */
  pageSize: number;
}

const PAGE_SIZE = 100;
const MAX_LISTED = 1000;
const ACTIVE = "state IN ('queued', 'running', 'aborting')";

const emptyProgress = (): ScrubProgress => ({
  blocksChecked: 0,
  bytesChecked: 0,
  blocksSkipped: 0,
  badBlocks: 0,
  bad: [],
});

/**
 * Starts a scrub pass, or answers the one already queued or running (one pass at a time is enough). Root or an
 * administrator only: throws AccessDenied.
 */
export async function startScrub(
  deps: CoreDeps,
  principal: Principal,
  options: { pageSize?: number } = {},
): Promise<Job> {
  requireAdmin(principal, 'scrubs');
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const active = await tx.get<{ id: string }>(
      `SELECT id FROM jobs WHERE kind = ? AND ${ACTIVE} ORDER BY created_at LIMIT 1`,
      [SCRUB],
    );
    if (active) return (await readJob(tx, active.id))!;
    const spec: ScrubSpec = { pageSize: options.pageSize ?? PAGE_SIZE };
    return insertJob(tx, { kind: SCRUB, principalId: principal.id, spec, progress: emptyProgress(), now });
  });
}

/** The latest scrub pass: the active one, else the last that ended. Root or administrator only; NoSuchJob if none ran. */
export async function latestScrub(deps: CoreDeps, principal: Principal): Promise<Job> {
  requireAdmin(principal, 'scrubs');
  const job = await deps.meta.tx(
    async (tx) => {
      const row = await tx.get<{ id: string }>(
        `SELECT id FROM jobs WHERE kind = ? ORDER BY CASE WHEN ${ACTIVE} THEN 0 ELSE 1 END, created_at DESC LIMIT 1`,
        [SCRUB],
      );
      return row ? readJob(tx, row.id) : undefined;
    },
    { readOnly: true },
  );
  if (!job) throw new StorageError('NoSuchJob', 'No scrub pass has run.', { resource: 'scrub' });
  return job;
}

/**
 * The schedule: starts a pass when none is active and none started in the last `intervalSeconds`, wherever it ran.
 * Every node may call it; the jobs table is the one clock, so a restart or a second node adds no pass.
 */
export async function scheduleScrub(
  deps: CoreDeps,
  principal: Principal,
  intervalSeconds: number,
): Promise<Job | undefined> {
  const since = nowOf(deps) - intervalSeconds * 1000;
  const recent = await deps.meta.tx(
    (tx) =>
      tx.get<{ id: string }>(`SELECT id FROM jobs WHERE kind = ? AND (${ACTIVE} OR created_at > ?) LIMIT 1`, [
        SCRUB,
        since,
      ]),
    { readOnly: true },
  );
  if (recent) return undefined;
  return startScrub(deps, principal);
}

/**
 * Runs a scrub pass here and now (`mimeo scrub`): starts one, or joins the active one, and runs it in this process.
 * When another node holds it, waits for that node to finish. Resolves with the ended job.
 */
export async function scrubNow(
  deps: CoreDeps,
  principal: Principal,
  options: { signal?: AbortSignal } = {},
): Promise<Job> {
  const job = await startScrub(deps, principal);
  const runner = new JobRunner(deps, { handlers: { [SCRUB]: runScrub } });
  for (;;) {
    options.signal?.throwIfAborted();
    const current = (await deps.meta.tx((tx) => readJob(tx, job.id), { readOnly: true }))!;
    if (current.state !== 'queued' && current.state !== 'running' && current.state !== 'aborting')
      return current;
    if (!(await runner.runOnce())) await sleep(200, undefined, { signal: options.signal });
  }
}

async function runScrub(deps: CoreDeps, ctx: JobContext): Promise<void> {
  const spec = ctx.job.spec as unknown as ScrubSpec;
  const keys = new ScrubKeys(deps);
  const leaseMs = deps.jobLeaseSeconds * 1000;
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new LeaseLost();
    return v;
  };
  let progress = ctx.job.progress as unknown as ScrubProgress;
  // Saves what was checked and renews the lease; a runner that takes over after a crash starts from here.
  const save = async () =>
    must(
      await ctx.step((tx, job) =>
        tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(progress), job.id]),
      ),
    );
  for (;;) {
    const page = must(
      await ctx.step(async (tx, job) => {
        if (job.state === 'aborting') {
          await endJob(tx, job.id, 'aborted', nowOf(deps));
          return 'aborted' as const;
        }
        return tx.all<ScrubRow>(
          `SELECT id, size, sha256, crc64, dek_id FROM blocks WHERE id > ? ORDER BY id LIMIT ${Number(spec.pageSize)}`,
          [progress.cursor ?? ''],
        );
      }),
    );
    if (page === 'aborted') return;
    if (page.length === 0) {
      must(
        await ctx.step(async (tx, job) => {
          await tx.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(progress), job.id]);
          await endJob(tx, job.id, 'succeeded', nowOf(deps));
          return true;
        }),
      );
      return;
    }
    let saved = Date.now();
    for (const row of page) {
      const verdict = await checkBlock(deps, keys, row);
      const next = { ...progress, cursor: row.id };
      if (verdict.ok) {
        next.blocksChecked++;
        next.bytesChecked += Number(row.size);
      } else if (verdict.skipped) {
        next.blocksSkipped++;
      } else {
        const bad = await describeBadBlock(deps, row, verdict);
        if (bad) {
          next.blocksChecked++;
          next.bytesChecked += Number(row.size);
          next.badBlocks++;
          if (next.bad.length < MAX_LISTED) next.bad = [...next.bad, bad];
        }
      }
      progress = next;
      // Slow reads (large blocks, a slow disk) save within the lease, not only at the end of a page.
      if (Date.now() - saved > leaseMs / 3) {
        await save();
        saved = Date.now();
      }
    }
    await save();
  }
}

export const SCRUB = defineJob('scrub', runScrub);
