// mimeo scrub: one scrub pass against the configured stores; a JSON report, and exit status 1 when a block is bad.
import { rootPrincipal } from '../../auth/principals.ts';
import type { Config } from '../../config/config.ts';
import { type ScrubProgress, scrubNow } from '../../core/scrub.ts';
import { closeCore, openCore } from '../../runtime.ts';

/** Runs the pass here (or waits for the one a server is running) and returns the exit status. */
export async function scrub(config: Config): Promise<number> {
  const core = await openCore(config);
  try {
    const job = await scrubNow(core, rootPrincipal());
    const { cursor: _, ...report } = job.progress as unknown as ScrubProgress;
    process.stdout.write(
      `${JSON.stringify({ job: job.id, state: job.state, error: job.error, ...report })}\n`,
    );
    return job.state === 'succeeded' && report.badBlocks === 0 ? 0 : 1;
  } finally {
    await closeCore(core);
  }
}
