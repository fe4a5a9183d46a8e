// What an operator may watch of a running server: for now, the block buffer budget.
import type { BudgetStats } from './block-budget.ts';
import type { CoreDeps } from './deps.ts';
import type { Principal } from './model.ts';
import { requireAdmin } from './permissions.ts';

export interface ServerStats {
  blockBuffers: BudgetStats;
}

/** This node's figures (each node has its own budget); root or administrators only. */
export function serverStats(deps: CoreDeps, principal: Principal): ServerStats {
  requireAdmin(principal, 'the server');
  return { blockBuffers: deps.buffers.stats() };
}
