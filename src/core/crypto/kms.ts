// The built-in KMS: named keys whose material is random, sealed under a KEK, and never leaves the server. SSE-KMS
// objects wrap their data keys under one; disabling it makes them unreadable until it is enabled again.
import type { CoreDeps } from '../deps.ts';
import { StorageError } from '../errors.ts';
import type { Principal } from '../model.ts';
import { requireAdmin } from '../permissions.ts';
import { insertKmsKey } from './keys.ts';

export interface KmsKeyInfo {
  name: string;
  enabled: boolean;
  createdAt: number;
}

const NAME = /^[A-Za-z0-9/_.-]{1,256}$/;

export function createKmsKey(deps: CoreDeps, actor: Principal, name: string): Promise<KmsKeyInfo> {
  requireAdmin(actor, 'KMS keys');
  if (typeof name !== 'string' || !NAME.test(name) || name.startsWith('aws/'))
    return Promise.reject(
      new StorageError(
        'InvalidArgument',
        'A KMS key name is 1 to 256 of A-Z a-z 0-9 / _ . - and not aws/...',
      ),
    );
  return deps.meta.tx(async (tx) => {
    if (await tx.get('SELECT name FROM kms_keys WHERE name = ?', [name]))
      throw new StorageError('Conflict', `A KMS key named '${name}' already exists.`, { resource: name });
    return insertKmsKey(tx, deps, name);
  });
}

export async function listKmsKeys(deps: CoreDeps, actor: Principal): Promise<KmsKeyInfo[]> {
  requireAdmin(actor, 'KMS keys');
  const rows = await deps.meta.tx(
    (tx) =>
      tx.all<{ name: string; enabled: number; created_at: number }>(
        'SELECT name, enabled, created_at FROM kms_keys ORDER BY name',
      ),
    { readOnly: true },
  );
  return rows.map((r) => ({ name: r.name, enabled: r.enabled === 1, createdAt: r.created_at }));
}

export function setKmsKeyEnabled(
  deps: CoreDeps,
  actor: Principal,
  name: string,
  enabled: boolean,
): Promise<KmsKeyInfo> {
  requireAdmin(actor, 'KMS keys');
  return deps.meta.tx(async (tx) => {
    const row = await tx.get<{ created_at: number }>('SELECT created_at FROM kms_keys WHERE name = ?', [
      name,
    ]);
    if (!row)
      throw new StorageError('NoSuchKmsKey', `The KMS key '${name}' does not exist.`, { resource: name });
    await tx.run('UPDATE kms_keys SET enabled = ? WHERE name = ?', [enabled ? 1 : 0, name]);
    return { name, enabled, createdAt: row.created_at };
  });
}
