// Long work as jobs: stored in the MetaStore, claimed under a lease by any node, resumed after a crash.
import type { Tx } from '../meta/meta-store.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { coreError, StorageError } from './errors.ts';
import { newId } from './ids.ts';
import type { Principal } from './model.ts';

export type JobState = 'queued' | 'running' | 'aborting' | 'succeeded' | 'failed' | 'aborted';

export interface Job {
  id: string;
  kind: string;
  state: JobState;
  principalId: string;
  spec: Record<string, unknown>;
  progress: Record<string, unknown>;
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  principal_id: string;
  spec: string;
  progress: string;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  principalId: r.principal_id,
  spec: JSON.parse(r.spec) as Record<string, unknown>,
  progress: JSON.parse(r.progress) as Record<string, unknown>,
  error: r.error ? (JSON.parse(r.error) as Job['error']) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS = 'id, kind, state, principal_id, spec, progress, error, created_at, updated_at';

export async function insertJob(
  tx: Tx,
  input: { kind: string; principalId: string; spec: object; progress: object; now: number },
): Promise<Job> {
  const id = newId('j');
  await tx.run(
    `INSERT INTO jobs (id, kind, state, principal_id, spec, progress, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
    [
      id,
      input.kind,
      input.principalId,
      JSON.stringify(input.spec),
      JSON.stringify(input.progress),
      input.now,
      input.now,
    ],
  );
  tx.onCommit(wakeRunners);
  return (await readJob(tx, id))!;
}

export async function readJob(tx: Tx, id: string): Promise<Job | undefined> {
  const row = await tx.get<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, [id]);
  return row ? toJob(row) : undefined;
}

function visibleTo(job: Job, principal: Principal): boolean {
  return principal.isRoot || principal.isAdmin || job.principalId === principal.id;
}

export async function getJob(deps: CoreDeps, principal: Principal, id: string): Promise<Job> {
  const job = await deps.meta.tx((tx) => readJob(tx, id), { readOnly: true });
  if (!job || !visibleTo(job, principal))
    throw new StorageError('NoSuchJob', `The job '${id}' does not exist.`, { resource: id });
  return job;
}

/** The most jobs one page of listJobs holds. */
export const MAX_JOB_PAGE = 1000;

/**
 * A page of the jobs `principal` may see (their own; every job for root and administrators), newest first. `after`
 * is the id of the last job of the previous page; `next` is set when there may be more.
 */
export async function listJobs(
  deps: CoreDeps,
  principal: Principal,
  input: { limit?: number; after?: string },
): Promise<{ jobs: Job[]; next: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 100, 1), MAX_JOB_PAGE);
  const all = principal.isRoot || principal.isAdmin;
  const where = [...(all ? [] : ['principal_id = ?']), ...(input.after ? ['id < ?'] : [])];
  const params = [...(all ? [] : [principal.id]), ...(input.after ? [input.after] : [])];
  // Ids begin with their creation time, so the primary key orders them newest first without another index.
  const rows = await deps.meta.tx(
    (tx) =>
      tx.all<JobRow>(
        `SELECT ${COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
        [...params, limit + 1],
      ),
    { readOnly: true },
  );
  const jobs = rows.slice(0, limit).map(toJob);
  return { jobs, next: rows.length > limit ? jobs[jobs.length - 1]!.id : null };
}

/** Asks a job to stop. A queued job stops at once; a running one at its next batch. */
export async function abortJob(deps: CoreDeps, principal: Principal, id: string): Promise<Job> {
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const job = await readJob(tx, id);
    if (!job || !visibleTo(job, principal))
      throw new StorageError('NoSuchJob', `The job '${id}' does not exist.`, { resource: id });
    if (job.state !== 'queued' && job.state !== 'running') {
      throw new StorageError('JobNotActive', `The job is already ${job.state}.`, { resource: id });
    }
    await tx.run(`UPDATE jobs SET state = 'aborting', updated_at = ? WHERE id = ?`, [now, id]);
    tx.onCommit(wakeRunners);
    return { ...job, state: 'aborting' as const, updatedAt: now };
  });
}

/** What a job handler is given: its job, and a way to run a transaction that only commits while it holds the lease. */
export interface JobContext {
  job: Job;
  /** Runs `fn` in a transaction after checking the lease is still held; renews it. Returns undefined if it was lost. */
  step<T>(fn: (tx: Tx, job: Job) => Promise<T>): Promise<T | undefined>;
}

export type JobHandler = (deps: CoreDeps, ctx: JobContext) => Promise<void>;

export class LeaseLost extends Error {}

/** The handler of every kind of job, registered by the module that defines the kind. */
const registry = new Map<string, JobHandler>();

/** Registers the handler of a kind of job (once per kind, at module level) and returns the kind. */
export function defineJob<K extends string>(kind: K, handler: JobHandler): K {
  if (registry.has(kind)) throw new Error(`job kind '${kind}' is defined twice`);
  registry.set(kind, handler);
  return kind;
}

/** The started runners of this process. */
const runners = new Set<() => void>();

/**
 * Wakes this process's runners: a job was queued, or asked to stop. Called after the commit (Tx.onCommit), so a
 * woken runner finds the job. Runners on other nodes find it at their next poll.
 */
function wakeRunners(): void {
  for (const wake of runners) wake();
}

/**
 * Runs jobs of the kinds defined with `defineJob` (or of the handlers it is given). Each job is claimed by one runner
 * at a time under a lease; a runner that dies leaves the lease to expire, and another runner (or the same node
 * restarted) resumes from the job's stored progress.
 *
 * A started runner polls when a job of this process is queued or aborted (see `wakeRunners`), and otherwise every
 * `pollMs`: that poll finds the jobs queued on other nodes and the leases that expired.
 */
export class JobRunner {
  readonly #deps: CoreDeps;
  readonly #handlers: ReadonlyMap<string, JobHandler>;
  readonly #owner = newId('n');
  readonly #pollMs: number;
  readonly #onWake = () => this.#wakeUp();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #woken = false;
  #wake: (() => void) | undefined;

  constructor(
    deps: CoreDeps,
    options: { pollMs?: number; handlers?: Readonly<Record<string, JobHandler>> } = {},
  ) {
    this.#deps = deps;
    this.#handlers = options.handlers ? new Map(Object.entries(options.handlers)) : registry;
    this.#pollMs = options.pollMs ?? 500;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    runners.add(this.#onWake);
    this.#running = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    runners.delete(this.#onWake);
    this.#wakeUp();
    await this.#running;
  }

  #wakeUp(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      // A wake while the poll runs (a job committed after its query) polls again instead of waiting.
      this.#woken = false;
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch {
        // A failed claim is retried at the next poll.
      }
      if (worked || this.#stopped || this.#woken) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, this.#pollMs);
      });
      this.#wake = undefined;
      clearTimeout(this.#timer);
    }
  }

  /** Claims and runs one job to its end or until the lease is lost. Returns false when no job was free. */
  async runOnce(): Promise<boolean> {
    const deps = this.#deps;
    const leaseMs = deps.jobLeaseSeconds * 1000;
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return false;
    const now = nowOf(deps);
    const job = await deps.meta.tx(async (tx) => {
      const row = await tx.get<{ id: string }>(
        `SELECT id FROM jobs WHERE state IN ('queued', 'running', 'aborting') AND kind IN (${kinds.map(() => '?').join(', ')})
           AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY created_at LIMIT 1`,
        [...kinds, now],
      );
      if (!row) return undefined;
      await tx.run(
        `UPDATE jobs SET lease_owner = ?, lease_expires_at = ?, updated_at = ?,
           state = CASE WHEN state = 'queued' THEN 'running' ELSE state END WHERE id = ?`,
        [this.#owner, now + leaseMs, now, row.id],
      );
      return readJob(tx, row.id);
    });
    if (!job) return false;
    const ctx: JobContext = {
      job,
      step: async (fn) =>
        deps.meta.tx(async (tx) => {
          const t = nowOf(deps);
          const renewed = await tx.run(
            'UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ?',
            [t + leaseMs, t, job.id, this.#owner],
          );
          if (renewed.changes === 0) return undefined;
          const current = (await readJob(tx, job.id))!;
          return fn(tx, current);
        }),
    };
    try {
      await this.#handlers.get(job.kind)!(deps, ctx);
    } catch (err) {
      if (err instanceof LeaseLost) return true;
      const reported = coreError(err);
      const se =
        reported instanceof StorageError
          ? reported
          : new StorageError('InternalError', (err as Error).message, { cause: err });
      await deps.meta
        .tx((tx) =>
          tx.run(
            `UPDATE jobs SET state = 'failed', error = ?, updated_at = ?, lease_owner = NULL WHERE id = ? AND lease_owner = ?`,
            [JSON.stringify({ code: se.code, message: se.message }), nowOf(deps), job.id, this.#owner],
          ),
        )
        .catch(() => {});
    }
    return true;
  }
}

/** Ends a job from its handler, inside one of its steps: its final state, and the error that ended it, if any. */
export async function endJob(
  tx: Tx,
  jobId: string,
  state: 'succeeded' | 'failed' | 'aborted',
  now: number,
  error: { code: string; message: string } | null = null,
): Promise<void> {
  await tx.run(
    'UPDATE jobs SET state = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?',
    [state, error ? JSON.stringify(error) : null, now, jobId],
  );
}
