// A project's default encryption: what a write without encryption headers gets (S3 bucket encryption).
import { DEFAULT_KMS_KEY, ensureDefaultKmsKey, kmsMaterial } from './crypto/keys.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal, Sse } from './model.ts';
import { requireProject } from './permissions.ts';

export interface DefaultEncryption {
  sse: Exclude<Sse, 'SSE-C'>;
  kmsKey?: string;
}

/** The project's default, or null. Reading it takes the read role. */
export function getDefaultEncryption(
  deps: CoreDeps,
  principal: Principal,
  project: string,
): Promise<DefaultEncryption | null> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'read' }, project);
      if (p.defaultSse === 'AES256') return { sse: 'AES256' };
      if (p.defaultSse === 'aws:kms') return { sse: 'aws:kms', kmsKey: p.defaultSseKey ?? DEFAULT_KMS_KEY };
      return null;
    },
    { readOnly: true },
  );
}

/** Sets (or with null removes) the default. Takes the admin role; a KMS key must exist and be enabled. */
export function setDefaultEncryption(
  deps: CoreDeps,
  principal: Principal,
  project: string,
  value: DefaultEncryption | null,
): Promise<void> {
  if (value && value.sse !== 'AES256' && value.sse !== 'aws:kms')
    return Promise.reject(
      new StorageError('InvalidArgument', 'The default encryption is AES256 or aws:kms.'),
    );
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'admin' }, project);
    let key: string | null = null;
    if (value?.sse === 'aws:kms') {
      key = value.kmsKey ?? DEFAULT_KMS_KEY;
      if (key === DEFAULT_KMS_KEY) await ensureDefaultKmsKey(tx, deps);
      await kmsMaterial(tx, deps, key);
    }
    await tx.run('UPDATE projects SET default_sse = ?, default_sse_key = ? WHERE id = ?', [
      value?.sse ?? null,
      key,
      p.id,
    ]);
  });
}
