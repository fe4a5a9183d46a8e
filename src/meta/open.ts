// Opens the MetaStore a URL names: a sqlite file path or a postgres:// URL.
import type { MetaStore } from './meta-store.ts';
import { PostgresMetaStore } from './postgres.ts';
import { SqliteMetaStore } from './sqlite.ts';

export async function openMetaStore(url: string): Promise<MetaStore> {
  const store =
    url.startsWith('postgres://') || url.startsWith('postgresql://')
      ? new PostgresMetaStore({ url })
      : new SqliteMetaStore({ path: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
