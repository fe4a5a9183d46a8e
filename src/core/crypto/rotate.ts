// KEK rotation: a new random KEK becomes active, every data key and KMS key sealed under an older one is
// re-wrapped under it in batches, and KEKs nothing refers to any more are deleted. No block is read or written.
import type { CoreDeps } from '../deps.ts';
import { insertKek, kekById } from './keys.ts';
import { unwrapKey, wrapKey } from './seal.ts';

export interface RotationReport {
  kek: string;
  dataKeysRewrapped: number;
  kmsKeysRewrapped: number;
  keksRetired: number;
}

const BATCH = 500;

export async function rotateKeks(deps: CoreDeps): Promise<RotationReport> {
  const kek = await deps.meta.tx((tx) => insertKek(tx, deps));
  const report: RotationReport = { kek, dataKeysRewrapped: 0, kmsKeysRewrapped: 0, keksRetired: 0 };
  const current = `kek:${kek}`;
  for (const [table, owner] of [
    ['version_keys', 'version_id'],
    ['upload_keys', 'upload_id'],
  ] as const) {
    for (;;) {
      const n = await deps.meta.tx(async (tx) => {
        const fresh = await kekById(tx, deps, kek);
        const rows = await tx.all<{ owner: string; dek_id: string; wrapped: string; wrapped_by: string }>(
          `SELECT ${owner} AS owner, dek_id, wrapped, wrapped_by FROM ${table}
           WHERE wrapped_by LIKE 'kek:%' AND wrapped_by <> ? LIMIT ${BATCH}`,
          [current],
        );
        for (const r of rows) {
          const dek = unwrapKey(await kekById(tx, deps, r.wrapped_by.slice(4)), r.dek_id, r.wrapped);
          await tx.run(`UPDATE ${table} SET wrapped = ?, wrapped_by = ? WHERE ${owner} = ? AND dek_id = ?`, [
            wrapKey(fresh, r.dek_id, dek),
            current,
            r.owner,
            r.dek_id,
          ]);
        }
        return rows.length;
      });
      report.dataKeysRewrapped += n;
      if (n < BATCH) break;
    }
  }
  report.kmsKeysRewrapped = await deps.meta.tx(async (tx) => {
    const fresh = await kekById(tx, deps, kek);
    const rows = await tx.all<{ name: string; wrapped: string; kek_id: string }>(
      'SELECT name, wrapped, kek_id FROM kms_keys WHERE kek_id <> ?',
      [kek],
    );
    for (const r of rows) {
      const material = unwrapKey(await kekById(tx, deps, r.kek_id), `kms:${r.name}`, r.wrapped);
      await tx.run('UPDATE kms_keys SET wrapped = ?, kek_id = ? WHERE name = ?', [
        wrapKey(fresh, `kms:${r.name}`, material),
        kek,
        r.name,
      ]);
    }
    return rows.length;
  });
  // A KEK goes only when nothing refers to it, checked in the transaction that deletes it.
  report.keksRetired = await deps.meta.tx(
    async (tx) =>
      (
        await tx.run(
          `DELETE FROM keks WHERE active = 0
             AND NOT EXISTS (SELECT 1 FROM version_keys k WHERE k.wrapped_by = 'kek:' || keks.id)
             AND NOT EXISTS (SELECT 1 FROM upload_keys k WHERE k.wrapped_by = 'kek:' || keks.id)
             AND NOT EXISTS (SELECT 1 FROM kms_keys k WHERE k.kek_id = keks.id)`,
        )
      ).changes,
  );
  return report;
}
