// Opens the stores a configuration names and builds the core's dependencies. Shared by `serve` and `gc`.
import { join } from 'node:path';
import { loadMasterKey } from './auth/secret-box.ts';
import { FsBlockStore } from './blocks/fs.ts';
import { DiskReserve } from './blocks/reserve.ts';
import type { Config } from './config/config.ts';
import { BlockBudget } from './core/block-budget.ts';
import { ensureKek } from './core/crypto/keys.ts';
import type { CoreDeps } from './core/deps.ts';
import { SmallBlockStore } from './core/small-blocks.ts';
import { freeing } from './core/space.ts';
import { prepareDataDir } from './data-dir.ts';
import { openMetaStore } from './meta/open.ts';

export async function openCore(config: Config): Promise<CoreDeps> {
  prepareDataDir(config.dataDir);
  const files = new FsBlockStore({ root: config.dataDir });
  await files.init();
  // Made on the first start, or again once there is room. On a full disk, starting must work as deletes do: the
  // reserve is given up if the metadata store finds no room to open.
  const reserve = new DiskReserve({ dir: config.dataDir, bytes: config.diskReserve });
  await reserve.restore();
  const meta = await freeing(reserve, () => openMetaStore(config.meta));
  const blocks =
    config.smallBlockMax > 0
      ? new SmallBlockStore({ meta, large: files, below: config.smallBlockMax })
      : files;
  const deps: CoreDeps = {
    meta,
    blocks,
    limits: config.limits,
    gcGraceSeconds: config.gcGraceSeconds,
    jobLeaseSeconds: config.jobLeaseSeconds,
    tokenTtlSeconds: config.tokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    linkTtlSeconds: config.linkTtlSeconds,
    loginLimits: config.loginLimits,
    masterKey: loadMasterKey({ dataDir: config.dataDir, configured: config.masterKey }),
    reserve,
    buffers: new BlockBudget({
      capacity: config.bufferBudget,
      waitMs: { upload: config.uploadWaitMs, download: config.downloadWaitMs },
    }),
  };
  await freeing(reserve, () => ensureKek(deps));
  return deps;
}

export async function closeCore(core: CoreDeps): Promise<void> {
  await core.blocks.close();
  await core.meta.close();
}

export const defaultMetaPath = (dataDir: string) => join(dataDir, 'meta.sqlite');
