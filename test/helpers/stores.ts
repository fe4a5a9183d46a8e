// Real stores for tests: sqlite in a temp dir, and postgres in a fresh database on the server MIMEO_TEST_PG_URL names.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { FsBlockStore } from '../../src/blocks/fs.ts';
import {
  DEFAULT_BUFFER_BUDGET,
  DEFAULT_LIMITS,
  DEFAULT_LOGIN_LIMITS,
  type Limits,
} from '../../src/config/config.ts';
import { BlockBudget } from '../../src/core/block-budget.ts';
import { ensureKek } from '../../src/core/crypto/keys.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { SmallBlockStore } from '../../src/core/small-blocks.ts';
import type { MetaStore } from '../../src/meta/meta-store.ts';
import { PostgresMetaStore } from '../../src/meta/postgres.ts';
import { SqliteMetaStore } from '../../src/meta/sqlite.ts';

export const PG_URL = process.env['MIMEO_TEST_PG_URL'];
export const PG_SKIP = PG_URL ? false : 'MIMEO_TEST_PG_URL is not set: the postgres suite is skipped';

export async function tempDir(tag = 'mimeo'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `${tag}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Creates an empty database on the test server and returns its URL and a function that drops it. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error('MIMEO_TEST_PG_URL is not set');
  const name = `mimeo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  skip: string | false;
  open(): Promise<{ meta: MetaStore; close: () => Promise<void> }>;
}

export const META_KINDS: StoreKind[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = await tempDir('mimeo-sqlite');
      const meta = new SqliteMetaStore({ path: join(dir.path, 'meta.sqlite') });
      await meta.migrate();
      return {
        meta,
        close: async () => {
          try {
            await meta.close();
          } finally {
            await dir.remove();
          }
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: PG_SKIP,
    async open() {
      const db = await freshPgDatabase();
      const meta = new PostgresMetaStore({ url: db.url, max: 24 });
      await meta.migrate();
      return {
        meta,
        close: async () => {
          try {
            await meta.close();
          } finally {
            await db.drop();
          }
        },
      };
    },
  },
];

export interface TestCore {
  deps: CoreDeps;
  blocksDir: string;
  close(): Promise<void>;
}

/** A core on a real MetaStore and an fs BlockStore in a temp dir, as the server builds it. */
export async function openTestCore(
  kind: StoreKind,
  limits: Partial<Limits> = {},
  extra: Partial<CoreDeps> = {},
): Promise<TestCore> {
  const { meta, close } = await kind.open();
  const dir = await tempDir('mimeo-blocks');
  const files = new FsBlockStore({ root: dir.path });
  await files.init();
  // As the server runs: blocks under 32 KiB are rows in the metadata store.
  const blocks: BlockStore = new SmallBlockStore({ meta, large: files, below: 32 * 1024 });
  const deps: CoreDeps = {
    meta,
    blocks,
    limits: { ...DEFAULT_LIMITS, ...limits },
    gcGraceSeconds: 3600,
    jobLeaseSeconds: 5,
    tokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 30 * 24 * 3600,
    linkTtlSeconds: 3600,
    loginLimits: DEFAULT_LOGIN_LIMITS,
    masterKey: randomBytes(32),
    buffers: new BlockBudget({ capacity: DEFAULT_BUFFER_BUDGET, waitMs: { upload: 2000, download: 2000 } }),
    ...extra,
  };
  await ensureKek(deps);
  return {
    deps,
    blocksDir: join(dir.path, 'blocks'),
    close: async () => {
      try {
        await close();
      } finally {
        await dir.remove();
      }
    },
  };
}

/** Replaces a stored block's bytes behind the server's back, wherever the block lives (a row or a file). */
export async function overwriteBlock(core: TestCore, id: string, data: Buffer): Promise<void> {
  const { changes } = await core.deps.meta.tx((tx) =>
    tx.run('UPDATE block_data SET data = ? WHERE id = ?', [data, id]),
  );
  if (changes === 0) await writeFile(join(core.blocksDir, id.slice(-4, -2), id.slice(-2), id), data);
}

/** Ids of the blocks stored, rows and files alike. */
export async function storedBlocks(deps: CoreDeps): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const b of deps.blocks.list()) out.add(b.id);
  return out;
}
