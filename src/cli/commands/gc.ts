// mimeo gc: one garbage collection pass against the configured stores, with a report.
import type { Config } from '../../config/config.ts';
import { collectGarbage } from '../../core/gc.ts';
import { closeCore, openCore } from '../../runtime.ts';

export async function gc(config: Config): Promise<void> {
  const core = await openCore(config);
  try {
    const report = await collectGarbage(core);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await closeCore(core);
  }
}
