// Keeps a long upload's blocks safe from the collector until its commit: their rows, registered under a lease that
// is renewed while the upload runs.
import type { MetaStore } from '../meta/meta-store.ts';
import type { BlockInfo } from './block-rows.ts';
import { insertBlocks } from './block-rows.ts';
import { newId } from './ids.ts';

/** What a checkpointer needs of an upload's dependencies. */
export interface CheckpointDeps {
  meta: MetaStore;
  gcGraceSeconds: number;
}

/**
 * Keeps a long upload's blocks safe from the collector: every quarter of the grace period, the rows of the blocks
 * written so far are registered under a lease that is renewed each time. An upload shorter than that never
 * touches the database here, and no block file can be older than the grace period without a row.
 */
export class Checkpointer {
  readonly #deps: CheckpointDeps;
  readonly #blocks: readonly BlockInfo[];
  readonly #timer: NodeJS.Timeout;
  #registered = 0;
  #running: Promise<void> = Promise.resolve();
  leaseId: string | null = null;

  constructor(deps: CheckpointDeps, blocks: readonly BlockInfo[]) {
    this.#deps = deps;
    this.#blocks = blocks;
    this.#timer = setInterval(
      () => {
        this.#running = this.#running.then(() => this.#register()).catch(() => {});
      },
      (deps.gcGraceSeconds * 1000) / 4,
    );
    this.#timer.unref();
  }

  async #register(): Promise<void> {
    this.leaseId ??= newId('l');
    const leaseId = this.leaseId;
    const now = Date.now();
    // Only blocks whose digests are known: a row is written once and never corrected.
    let end = this.#registered;
    while (end < this.#blocks.length && this.#blocks[end]!.crc64 !== '') end++;
    const fresh = this.#blocks.slice(this.#registered, end);
    await this.#deps.meta.tx(async (tx) => {
      await tx.run(
        'INSERT INTO leases (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at',
        [leaseId, now + this.#deps.gcGraceSeconds * 1000],
      );
      await insertBlocks(tx, fresh, { leaseId, now });
    });
    this.#registered = end;
  }

  /** Stops renewing. The lease stays until `release`, which the caller runs after its commit. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async release(): Promise<void> {
    await this.stop();
    await releaseLease(this.#deps.meta, this.leaseId);
  }
}

export async function releaseLease(meta: MetaStore, leaseId: string | null): Promise<void> {
  if (leaseId === null) return;
  await meta.tx((tx) => tx.run('DELETE FROM leases WHERE id = ?', [leaseId])).catch(() => {});
}
