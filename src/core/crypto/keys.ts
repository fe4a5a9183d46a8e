// Key management for envelope encryption. Every block is sealed under a data key (one per upload under a customer
// key; uploads under server keys share one for a minute, see dataKeyFor). A version (or a multipart upload) holds
// the data keys its content needs, each wrapped under the key-encryption key its protection names: the active
// master KEK (no SSE, or SSE-S3), a named KMS key (SSE-KMS) or the customer's key (SSE-C, never stored). Copies
// re-wrap these keys and never touch blocks. KEKs are random, sealed under the server's master key, and replaced
// by rotation.
import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../meta/meta-store.ts';
import type { CoreDeps } from '../deps.ts';
import { nowOf } from '../deps.ts';
import { StorageError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Project, Protection, Unlock, VersionInfo } from '../model.ts';
import { type DataKey, newDataKey, unwrapKey, wrapKey } from './seal.ts';

export type { Unlock };

export type RingTable = 'version_keys' | 'upload_keys';
const OWNER: Record<RingTable, string> = { version_keys: 'version_id', upload_keys: 'upload_id' };

/**
 * The condition on the rows of `owner`'s ring, with its parameters: an upload's own; a version's own, or the ring of
 * the version it shares one with (versions.ring_of).
 */
function ringOf(table: RingTable, owner: string): { where: string; params: string[] } {
  return table === 'version_keys'
    ? {
        where: 'version_id = COALESCE((SELECT v.ring_of FROM versions v WHERE v.id = ?), ?)',
        params: [owner, owner],
      }
    : { where: 'upload_id = ?', params: [owner] };
}

export interface RingRow {
  dek_id: string;
  wrapped: string;
  wrapped_by: string;
}

/** Unwrapped KEKs (by id), KMS key material and data keys (by their sealed form): immutable, so safe to keep. */
const cache = new WeakMap<CoreDeps, Map<string, Buffer>>();

function cached(deps: CoreDeps, sealed: string, open: () => Buffer): Buffer {
  let m = cache.get(deps);
  if (!m) {
    m = new Map();
    cache.set(deps, m);
  }
  let key = m.get(sealed);
  if (!key) {
    key = open();
    if (m.size > 2048) m.clear();
    m.set(sealed, key);
  }
  return key;
}

/**
 * The data key uploads under server keys share, like S3's bucket keys: a new one every SHARED_DEK_MS or
 * SHARED_DEK_USES uploads. It is wrapped once per wrapping key (the wrapped form is kept), and readers find it
 * unwrapped in the cache, so a small object costs no key work. A customer key never shares: its data keys must
 * be readable under that key alone.
 */
const SHARED_DEK_MS = 60_000;
const SHARED_DEK_USES = 100_000;
const shared = new WeakMap<
  CoreDeps,
  { dek: DataKey; until: number; uses: number; wraps: Map<string, string> }
>();

/** The data key a new body under protection `p` is sealed with. */
export function dataKeyFor(deps: CoreDeps, p: Protection): DataKey {
  if (p.sse === 'SSE-C') return newDataKey(newId('k'));
  const now = Date.now();
  let s = shared.get(deps);
  if (!s || now >= s.until || s.uses >= SHARED_DEK_USES) {
    s = { dek: newDataKey(newId('k')), until: now + SHARED_DEK_MS, uses: 0, wraps: new Map() };
    shared.set(deps, s);
  }
  s.uses++;
  return s.dek;
}

/** The wrapped form of a shared data key under `by`, made once. */
function wrapShared(deps: CoreDeps, dek: DataKey, by: string, wrapper: Buffer): string {
  const s = shared.get(deps);
  if (s?.dek !== dek) return wrapKey(wrapper, dek.id, dek.key);
  let w = s.wraps.get(by);
  if (!w) {
    w = wrapKey(wrapper, dek.id, dek.key);
    s.wraps.set(by, w);
  }
  return w;
}

export const customerKeyMd5 = (key: Buffer) => createHash('md5').update(key).digest('base64');

/** Makes the first KEK when there is none. Run once at startup, before any write. */
export async function ensureKek(deps: CoreDeps): Promise<void> {
  await deps.meta.tx(async (tx) => {
    if (await tx.get('SELECT id FROM keks WHERE active = 1')) return;
    await insertKek(tx, deps);
  });
}

export async function insertKek(tx: Tx, deps: CoreDeps): Promise<string> {
  const id = newId('kek');
  await tx.run('UPDATE keks SET active = 0 WHERE active = 1');
  await tx.run('INSERT INTO keks (id, wrapped, active, created_at) VALUES (?, ?, 1, ?)', [
    id,
    wrapKey(deps.masterKey, id, randomBytes(32)),
    nowOf(deps),
  ]);
  return id;
}

export async function kekById(tx: Tx, deps: CoreDeps, id: string): Promise<Buffer> {
  // A KEK row never changes while it exists, so its key is kept by id.
  const known = cache.get(deps)?.get(`kek:${id}`);
  if (known) return known;
  const row = await tx.get<{ wrapped: string }>('SELECT wrapped FROM keks WHERE id = ?', [id]);
  if (!row) throw new StorageError('InternalError', `The key-encryption key ${id} is missing.`);
  return cached(deps, `kek:${id}`, () => {
    try {
      return unwrapKey(deps.masterKey, id, row.wrapped);
    } catch (err) {
      throw new StorageError('InternalError', 'The master key does not open the stored keys.', {
        cause: err,
      });
    }
  });
}

/**
 * The active KEK, read in the writer's transaction: a key is never wrapped under a KEK that rotation deletes (the
 * two transactions conflict; see docs/architecture.md).
 */
export async function activeKek(tx: Tx, deps: CoreDeps): Promise<{ id: string; key: Buffer }> {
  const row = await tx.get<{ id: string }>('SELECT id FROM keks WHERE active = 1');
  if (!row) throw new StorageError('InternalError', 'No key-encryption key is active.');
  return { id: row.id, key: await kekById(tx, deps, row.id) };
}

/** The material of a named KMS key. Throws NoSuchKmsKey, or KmsKeyDisabled for a disabled key. */
export async function kmsMaterial(tx: Tx, deps: CoreDeps, name: string): Promise<Buffer> {
  const row = await tx.get<{ wrapped: string; kek_id: string; enabled: number }>(
    'SELECT wrapped, kek_id, enabled FROM kms_keys WHERE name = ?',
    [name],
  );
  if (!row)
    throw new StorageError('NoSuchKmsKey', `The KMS key '${name}' does not exist.`, { resource: name });
  if (row.enabled !== 1)
    throw new StorageError('KmsKeyDisabled', `The KMS key '${name}' is disabled.`, { resource: name });
  const kek = await kekById(tx, deps, row.kek_id);
  return cached(deps, row.wrapped, () => unwrapKey(kek, `kms:${name}`, row.wrapped));
}

/** The key SSE-KMS uses when a request names none, made on first use (as S3's aws/s3 key). */
export const DEFAULT_KMS_KEY = 'aws/s3';

export async function insertKmsKey(
  tx: Tx,
  deps: CoreDeps,
  name: string,
): Promise<{ name: string; enabled: boolean; createdAt: number }> {
  const kek = await activeKek(tx, deps);
  const now = nowOf(deps);
  await tx.run('INSERT INTO kms_keys (name, wrapped, kek_id, enabled, created_at) VALUES (?, ?, ?, 1, ?)', [
    name,
    wrapKey(kek.key, `kms:${name}`, randomBytes(32)),
    kek.id,
    now,
  ]);
  return { name, enabled: true, createdAt: now };
}

/** Makes the default key if it is missing, in the caller's write transaction. */
export async function ensureDefaultKmsKey(tx: Tx, deps: CoreDeps): Promise<void> {
  if (!(await tx.get('SELECT name FROM kms_keys WHERE name = ?', [DEFAULT_KMS_KEY])))
    await insertKmsKey(tx, deps, DEFAULT_KMS_KEY);
}

async function wrapFor(tx: Tx, deps: CoreDeps, p: Protection, dek: DataKey): Promise<RingRow> {
  if (p.sse === 'SSE-C') {
    if (!p.customerKey) throw new StorageError('EncryptionKeyRequired');
    return { dek_id: dek.id, wrapped: wrapKey(p.customerKey, dek.id, dek.key), wrapped_by: 'customer' };
  }
  if (p.sse === 'aws:kms') {
    if (p.kmsKey === DEFAULT_KMS_KEY) await ensureDefaultKmsKey(tx, deps);
    const material = await kmsMaterial(tx, deps, p.kmsKey!);
    const by = `kms:${p.kmsKey}`;
    return { dek_id: dek.id, wrapped: wrapShared(deps, dek, by, material), wrapped_by: by };
  }
  const kek = await activeKek(tx, deps);
  const by = `kek:${kek.id}`;
  return { dek_id: dek.id, wrapped: wrapShared(deps, dek, by, kek.key), wrapped_by: by };
}

/** One data key of a ring, unwrapped. Throws EncryptionKeyRequired or EncryptionKeyMismatch for SSE-C. */
export async function unwrapRow(tx: Tx, deps: CoreDeps, row: RingRow, unlock: Unlock): Promise<Buffer> {
  if (row.wrapped_by === 'customer') {
    if (!unlock.customerKey) throw new StorageError('EncryptionKeyRequired');
    try {
      return unwrapKey(unlock.customerKey, row.dek_id, row.wrapped);
    } catch {
      throw new StorageError('EncryptionKeyMismatch');
    }
  }
  // Data keys under server keys are kept by their sealed form (a KMS key's state is still checked every time);
  // one under a customer key is opened every time, so a wrong key never passes.
  if (row.wrapped_by.startsWith('kms:')) {
    const material = await kmsMaterial(tx, deps, row.wrapped_by.slice(4));
    return cached(deps, `dek:${row.wrapped_by}:${row.wrapped}`, () =>
      unwrapKey(material, row.dek_id, row.wrapped),
    );
  }
  const kek = await kekById(tx, deps, row.wrapped_by.slice(4));
  return cached(deps, `dek:${row.wrapped_by}:${row.wrapped}`, () => unwrapKey(kek, row.dek_id, row.wrapped));
}

/** Adds data keys to a ring, wrapped under `p`; keys already in the ring stay as they are. */
export async function addKeys(
  tx: Tx,
  deps: CoreDeps,
  table: RingTable,
  owner: string,
  keys: Iterable<DataKey>,
  p: Protection,
): Promise<void> {
  for (const dek of keys) {
    const row = await wrapFor(tx, deps, p, dek);
    await tx.run(
      `INSERT INTO ${table} (${OWNER[table]}, dek_id, wrapped, wrapped_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (${OWNER[table]}, dek_id) DO NOTHING`,
      [owner, row.dek_id, row.wrapped, row.wrapped_by],
    );
  }
}

/** Copies a ring as it is (a shared one too): for a new owner under the same protection. No key is unwrapped. */
export async function copyKeys(
  tx: Tx,
  from: { table: RingTable; owner: string },
  to: { table: RingTable; owner: string },
): Promise<void> {
  const ring = ringOf(from.table, from.owner);
  await tx.run(
    `INSERT INTO ${to.table} (${OWNER[to.table]}, dek_id, wrapped, wrapped_by)
     SELECT ?, dek_id, wrapped, wrapped_by FROM ${from.table} WHERE ${ring.where}
     ON CONFLICT (${OWNER[to.table]}, dek_id) DO NOTHING`,
    [to.owner, ...ring.params],
  );
}

/** The unwrapped data keys of a ring. Throws EncryptionKeyRequired or EncryptionKeyMismatch for SSE-C. */
export async function readKeys(
  tx: Tx,
  deps: CoreDeps,
  table: RingTable,
  owner: string,
  unlock: Unlock,
): Promise<Map<string, Buffer>> {
  const ring = ringOf(table, owner);
  const rows = await tx.all<RingRow>(
    `SELECT dek_id, wrapped, wrapped_by FROM ${table} WHERE ${ring.where}`,
    ring.params,
  );
  const out = new Map<string, Buffer>();
  for (const r of rows) out.set(r.dek_id, await unwrapRow(tx, deps, r, unlock));
  return out;
}

/**
 * Checks what a reader brings against a version's protection: an SSE-C version needs its customer key (MD5
 * compared), and a customer key for any other version is refused, as S3 does.
 */
export function checkUnlock(v: Pick<VersionInfo, 'sse' | 'sseKey'>, unlock: Unlock): void {
  if (v.sse === 'SSE-C') {
    if (!unlock.customerKey) throw new StorageError('EncryptionKeyRequired');
    if (customerKeyMd5(unlock.customerKey) !== v.sseKey) throw new StorageError('EncryptionKeyMismatch');
  } else if (unlock.customerKey) {
    throw new StorageError('EncryptionNotApplicable');
  }
}

/** Whether two protections wrap keys the same way, so a ring can be copied without unwrapping. */
export function sameWrapping(a: Protection, b: Pick<VersionInfo, 'sse' | 'sseKey'>): boolean {
  const kindA = a.sse === 'aws:kms' ? `kms:${a.kmsKey}` : a.sse === 'SSE-C' ? `c:${a.customerKeyMd5}` : 'kek';
  const kindB = b.sse === 'aws:kms' ? `kms:${b.sseKey}` : b.sse === 'SSE-C' ? `c:${b.sseKey}` : 'kek';
  return kindA === kindB;
}

/** What a write without encryption headers gets: the project's default encryption, or none. */
export function defaultProtection(project: Pick<Project, 'defaultSse' | 'defaultSseKey'>): Protection {
  if (project.defaultSse === 'aws:kms') return { sse: 'aws:kms', kmsKey: project.defaultSseKey ?? undefined };
  return { sse: project.defaultSse === 'AES256' ? 'AES256' : null };
}

/** The columns a version stores for its protection. */
export function sseColumns(p: Protection): { sse: Protection['sse']; sseKey: string | null } {
  return {
    sse: p.sse,
    sseKey: p.sse === 'aws:kms' ? (p.kmsKey ?? null) : p.sse === 'SSE-C' ? (p.customerKeyMd5 ?? null) : null,
  };
}

/**
 * The ring plan that gives a new version under `protection` the keys of `source`: its ring copied as it is when
 * both wrap alike, else its keys unwrapped (with the reader's unlock) and wrapped anew. No block is touched.
 */
export async function ringFrom(
  tx: Tx,
  deps: CoreDeps,
  source: VersionInfo,
  protection: Protection,
  unlock: Unlock,
): Promise<{ carry?: { table: RingTable; owner: string }[]; add?: DataKey[]; protection: Protection }> {
  if (sameWrapping(protection, source))
    return { carry: [{ table: 'version_keys', owner: source.rowId }], protection };
  const keys = await readKeys(tx, deps, 'version_keys', source.rowId, unlock);
  return { add: [...keys].map(([id, key]) => ({ id, key })), protection };
}
