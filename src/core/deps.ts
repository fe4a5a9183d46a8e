// What the core is built from: injected stores and settings. Nothing here is global.
import type { BlockStore } from '../blocks/block-store.ts';
import type { DiskReserve } from '../blocks/reserve.ts';
import type { Limits, LoginLimits } from '../config/config.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import type { BlockBudget } from './block-budget.ts';

export interface CoreDeps {
  meta: MetaStore;
  blocks: BlockStore;
  limits: Limits;
  gcGraceSeconds: number;
  jobLeaseSeconds: number;
  tokenTtlSeconds: number;
  /** How long an OAuth refresh token works, in seconds; each use replaces it with one that works as long. */
  refreshTokenTtlSeconds: number;
  /** How long a signed link works, in seconds. */
  linkTtlSeconds: number;
  /** Failed sign-ins allowed per name and per client address in a window. */
  loginLimits: LoginLimits;
  /** 32 bytes that seal the key-encryption keys. */
  masterKey: Buffer;
  /** Room kept for deletes and GC on a full disk; none (no writes refused ahead of the disk) when absent. */
  reserve?: DiskReserve;
  /** The server-wide budget for block buffers, which large uploads and downloads share. */
  buffers: BlockBudget;
  now?: () => number;
}

export const nowOf = (deps: CoreDeps): number => (deps.now ? deps.now() : Date.now());
