// mimeo kms rotate: a new master KEK version, every data key re-wrapped under it, against the configured stores.
import type { Config } from '../../config/config.ts';
import { rotateKeks } from '../../core/crypto/rotate.ts';
import { closeCore, openCore } from '../../runtime.ts';

export async function kmsRotate(config: Config): Promise<void> {
  const core = await openCore(config);
  try {
    process.stdout.write(`${JSON.stringify(await rotateKeks(core))}\n`);
  } finally {
    await closeCore(core);
  }
}
