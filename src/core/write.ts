// Writes: a whole stream from a body, bytes at an offset, truncate, and in-place tag and property updates.
import { randomBytes } from 'node:crypto';
import { MetaStoreFullError, type Tx } from '../meta/meta-store.ts';
import type { Keys } from './block-read.ts';
import type { BlockInfo } from './block-rows.ts';
import { insertBlocks } from './block-rows.ts';
import { releaseLease } from './checkpoint.ts';
import { carryRing, commitVersion, type VersionDraft } from './commit.ts';
import { composeChecksums } from './compose.ts';
import type { Conditions } from './conditions.ts';
import { dataKeyFor, defaultProtection, readKeys, sseColumns } from './crypto/keys.ts';
import type { DataKey } from './crypto/seal.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { checkEntryAttributes, writeEntryAttributes } from './entry-attrs.ts';
import { StorageError } from './errors.ts';
import { truncate as cut, splice } from './extents.ts';
import { discardBlocks, ingest, ingestDepsOf } from './ingest.ts';
import { checkLabels, checkProperties, checkVersionTags } from './labels.ts';
import type { ContentAttributes, Extent, Principal, Protection, VersionInfo } from './model.ts';
import { fileKey, StalePlan, whileStale } from './optimistic.ts';
import { validatePath, validateStreamName } from './paths.ts';
import { requireProject } from './permissions.ts';
import { createManifest, readExtents } from './repo/manifests.ts';
import { resolveVersion } from './resolve.ts';
import { checkSize, checkSpan } from './size-limit.ts';
import { type BodyChecks, checksOf, storeBody } from './store-body.ts';

/** ETags of content that was assembled rather than uploaded whole are opaque: not an MD5 of the bytes. */
export function opaqueEtag(): string {
  return randomBytes(16).toString('hex');
}

export interface PutInput extends ContentAttributes, BodyChecks {
  project: string;
  path: string;
  body: AsyncIterable<Uint8Array>;
  /** A named stream to write; the other streams of the current version are kept. */
  stream?: string;
  conditions?: Conditions;
  /** How the new version's data key is wrapped; none by default (still encrypted at rest). */
  protection?: Protection;
  /**
   * A file dialect's create: Conflict when a file or a directory has the name, NoSuchDirectory when the parent
   * directory does not exist (it is not made).
   */
  create?: boolean;
  /** A named stream must exist already (NoSuchStream otherwise): a file API writes streams it made. */
  existingStream?: boolean;
  /** When the new version expires (ms since the epoch); null or absent: never. */
  expiresAt?: number | null;
}

/** Stores a body as the new current version at a path. Nothing is visible until the metadata commits. */
export async function putFile(deps: CoreDeps, principal: Principal, input: PutInput): Promise<VersionInfo> {
  validatePath(input.path);
  if (input.stream) validateStreamName(input.stream);
  checkLabels(input);
  const project = await deps.meta.tx(
    (tx) => requireProject(tx, { principal, need: 'write-object' }, input.project),
    { readOnly: true },
  );
  const protection: Protection = input.protection ?? defaultProtection(project);
  // A named stream joins the current version's ring, whose protection is not known yet: it gets a key of its own.
  const dek = (input.stream ?? '') === '' ? dataKeyFor(deps, protection) : undefined;
  return storeBody(deps, input.body, { ...checksOf(input), dek }, async (tx, stored, now) => {
    // Checked again where it counts: the role may have gone, or the project been made anew, during the upload.
    const target = await requireProject(tx, { principal, need: 'write-object' }, input.project);
    const manifestId = stored.manifestId;
    const checksums = {
      md5: stored.md5,
      sha256: stored.sha256 || undefined,
      crc64nvme: stored.crc64nvme,
      ...stored.extra,
    };
    return commitVersion(tx, {
      deps,
      project: target,
      path: input.path,
      principalId: principal.id,
      now,
      conditions: input.conditions,
      conflict: input.create ? 'fail' : 'overwrite',
      exclusive: input.create,
      build: (current): VersionDraft => {
        const stream = input.stream ?? '';
        if (stream !== '') {
          if (!current)
            throw new StorageError('NoSuchKey', 'A named stream needs an existing file.', {
              resource: input.path,
            });
          if (input.existingStream && !Object.hasOwn(current.streams, stream))
            throw new StorageError('NoSuchStream', `The stream '${stream}' does not exist.`, {
              resource: stream,
            });
          const streams = Object.fromEntries(
            Object.entries(current.streams).map(([k, v]) => [k, v.manifestId]),
          );
          return {
            ...carry(current),
            ring: carryRing(current, [stored.dek]),
            streams: { ...streams, [stream]: manifestId },
          };
        }
        return {
          size: stored.size,
          etag: stored.md5,
          checksums,
          contentType: input.contentType ?? null,
          contentDisposition: input.contentDisposition ?? null,
          contentEncoding: input.contentEncoding ?? null,
          cacheControl: input.cacheControl ?? null,
          expires: input.expires ?? null,
          userMetadata: input.userMetadata ?? {},
          tags: input.tags ?? {},
          properties: input.properties ?? {},
          acl: input.acl ?? null,
          expiresAt: input.expiresAt ?? null,
          ...sseColumns(protection),
          ring: { add: [stored.dek], protection },
          streams: { '': manifestId },
        };
      },
    });
  });
}

/** The attributes of `v` as a draft for a new version of the same content. */
export function carry(v: VersionInfo): VersionDraft {
  return {
    size: v.size,
    etag: v.etag,
    checksums: v.checksums,
    contentType: v.contentType,
    contentDisposition: v.contentDisposition,
    contentEncoding: v.contentEncoding,
    cacheControl: v.cacheControl,
    expires: v.expires,
    userMetadata: v.userMetadata,
    tags: v.tags,
    properties: v.properties,
    lineage: v.lineage,
    partSizes: v.partSizes,
    acl: v.acl,
    sse: v.sse,
    sseKey: v.sseKey,
    ring: carryRing(v),
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    streams: Object.fromEntries(Object.entries(v.streams).map(([k, s]) => [k, s.manifestId])),
  };
}

export interface RewriteInput {
  project: string;
  path: string;
  stream?: string;
  conditions?: Conditions;
  /** Tags and properties the new version takes in place of the current one's, in the same transaction. */
  labels?: { tags?: Record<string, string>; properties?: Record<string, string> };
  /** The new version's modification time (ms since the epoch); the time of the write when absent. */
  modifiedAt?: number;
  /** The file's mode and creation time, set on its entry in the same transaction (a file dialect's attributes). */
  entry?: { mode?: number; createdAt?: number };
}

/**
 * Replaces a stream of the current version with new extents computed from the old ones, as a new version.
 * Planned outside the transaction (partial blocks are read to compose the CRC) and committed only if the current
 * version is still the one planned against; otherwise planned again (whileStale).
 */
async function rewriteStream(
  deps: CoreDeps,
  principal: Principal,
  input: RewriteInput,
  plan: (extents: Extent[], size: number) => { extents: Extent[]; size: number },
  extra?: { blocks: BlockInfo[]; dek: DataKey },
): Promise<VersionInfo> {
  // Checked before anything is read or written: a refusal writes nothing.
  checkEntryAttributes({ ...input.entry, modifiedAt: input.modifiedAt });
  const attempt = async (): Promise<VersionInfo> => {
    const base = await deps.meta.tx(
      async (tx) => {
        // Membership, not the project's ACL: the new version carries the old bytes, and its writer could read it.
        const r = await resolveVersion(
          tx,
          { principal, need: 'write' },
          { project: input.project, path: input.path, stream: input.stream },
        );
        const extents = await readExtents(tx, { manifestId: r.manifestId, start: 0, end: r.size });
        const keys = await readKeys(tx, deps, 'version_keys', r.version.rowId, {});
        if (extra) keys.set(extra.dek.id, extra.dek.key);
        return { r, extents, keys };
      },
      { readOnly: true },
    );
    const next = plan(base.extents, base.r.size);
    const stream = base.r.stream;
    const checksums = await composeChecksumsAfterInsert(deps, next.extents, next.size, base.keys, extra);
    const now = nowOf(deps);
    return deps.meta.tx(async (tx) => {
      const project = await requireProject(tx, { principal, need: 'write' }, input.project);
      if (extra) await insertBlocks(tx, extra.blocks, { leaseId: null, now });
      const manifestId = await createManifest(tx, { size: next.size, extents: next.extents, now });
      const version = await commitVersion(tx, {
        deps,
        project,
        path: input.path,
        principalId: principal.id,
        now,
        conditions: input.conditions,
        conflict: 'overwrite',
        build: (current) => {
          if (!current || current.rowId !== base.r.version.rowId) throw new StalePlan();
          const draft = carry(current);
          // Checked with the rest of the draft where it is committed: a refusal writes nothing.
          if (input.labels?.tags) draft.tags = input.labels.tags;
          if (input.labels?.properties) draft.properties = input.labels.properties;
          draft.ring = carryRing(current, extra ? [extra.dek] : []);
          draft.streams[stream] = manifestId;
          if (stream === '') {
            draft.size = next.size;
            draft.etag = opaqueEtag();
            draft.checksums = checksums;
            draft.partSizes = null;
          }
          if (input.modifiedAt !== undefined) draft.modifiedAt = input.modifiedAt;
          return draft;
        },
      });
      if (input.entry) await writeEntryAttributes(tx, version.fileId, input.entry);
      return version;
    });
  };
  return whileStale(
    fileKey(input.project, input.path),
    attempt,
    () =>
      new StorageError('Conflict', 'The file kept changing while it was being written; try again.', {
        resource: input.path,
      }),
  );
}

async function composeChecksumsAfterInsert(
  deps: CoreDeps,
  extents: Extent[],
  size: number,
  keys: Keys,
  extra?: { blocks: BlockInfo[] },
) {
  if (!extra || extra.blocks.length === 0) return composeChecksums(deps, extents, size, keys);
  // New blocks have no rows yet: register them first (a lease-free row is safe for the grace period).
  await deps.meta.tx((tx) => insertBlocks(tx, extra.blocks, { leaseId: null, now: nowOf(deps) }));
  return composeChecksums(deps, extents, size, keys);
}

/** Writes `body` at `offset` of an existing file's stream, extending it when the write goes past its end. */
export async function writeAt(
  deps: CoreDeps,
  principal: Principal,
  input: RewriteInput & {
    offset: number;
    body: AsyncIterable<Uint8Array>;
    size?: number;
    signal?: AbortSignal;
  },
): Promise<VersionInfo> {
  checkSpan(deps, 'The offset', input.offset);
  validatePath(input.path);
  if (input.stream) validateStreamName(input.stream);
  if (input.size !== undefined) checkSize(deps, input.offset + input.size);
  await deps.meta.tx((tx) => requireProject(tx, { principal, need: 'write' }, input.project), {
    readOnly: true,
  });
  const stored = await ingest(ingestDepsOf(deps), input.body, {
    at: input.offset,
    expectedSize: input.size,
    maxSize: deps.limits.maxObjectSize - input.offset,
    signal: input.signal,
  });
  try {
    return await rewriteStream(
      deps,
      principal,
      input,
      (extents, size) => ({
        extents: splice(extents, input.offset, stored.size, stored.extents),
        size: Math.max(size, input.offset + stored.size),
      }),
      { blocks: stored.blocks, dek: stored.dek },
    );
  } catch (err) {
    // A store with no room committed nothing: the new blocks would only wait for the collector.
    if (err instanceof MetaStoreFullError) await discardBlocks(deps.blocks, stored.blocks);
    throw err;
  } finally {
    await releaseLease(deps.meta, stored.leaseId);
  }
}

/** Sets a stream's size: shorter cuts it, longer extends it with a hole that reads as zeros. */
export async function truncateFile(
  deps: CoreDeps,
  principal: Principal,
  input: RewriteInput & { size: number },
): Promise<VersionInfo> {
  checkSpan(deps, 'The size', input.size);
  if (input.stream) validateStreamName(input.stream);
  return rewriteStream(deps, principal, input, (extents) => ({
    extents: cut(extents, input.size),
    size: input.size,
  }));
}

/** A change of a version's tags and/or properties, made in place. */
export interface LabelChange {
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  /** Properties merged into the version's in the same transaction: a null removes one. */
  mergeProperties?: Record<string, string | null>;
}

/** Replaces the tags and/or properties of the current version, in place (as S3 PutObjectTagging does). */
export function setLabels(
  deps: CoreDeps,
  principal: Principal,
  input: { project?: string; path?: string; id?: string; versionId?: string } & LabelChange,
): Promise<VersionInfo> {
  checkVersionTags(input.tags);
  return deps.meta.tx((tx) => labelsWithin(tx, principal, input));
}

/** setLabels inside the caller's transaction (a move that changes labels too); the caller checks the tags. */
export async function labelsWithin(
  tx: Tx,
  principal: Principal,
  input: { project?: string; path?: string; id?: string; versionId?: string } & LabelChange,
): Promise<VersionInfo> {
  const r = await resolveVersion(tx, { principal, need: 'write' }, input);
  if (input.tags)
    await tx.run('UPDATE versions SET tags = ? WHERE id = ?', [JSON.stringify(input.tags), r.version.rowId]);
  let properties = input.properties;
  if (input.mergeProperties) {
    // No prototype: any key is a key, `__proto__` included (on a plain object it would set the prototype).
    properties = Object.assign(Object.create(null), properties ?? r.version.properties) as Record<
      string,
      string
    >;
    for (const [k, v] of Object.entries(input.mergeProperties)) {
      if (v === null) delete properties[k];
      else properties[k] = v;
    }
  }
  if (properties) {
    checkProperties(properties);
    await tx.run('UPDATE versions SET properties = ? WHERE id = ?', [
      JSON.stringify(properties),
      r.version.rowId,
    ]);
  }
  return {
    ...r.version,
    tags: input.tags ?? r.version.tags,
    properties: properties ?? r.version.properties,
  };
}
