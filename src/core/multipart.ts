// Multipart uploads: parts are manifests (uploaded or copied by reference), listed and aborted here; completing
// (multipart-complete.ts) concatenates their extents into one manifest and moves no bytes.
import { createHash } from 'node:crypto';
import type { Tx } from '../meta/meta-store.ts';
import { EXTRA_ALGORITHMS, type ExtraAlgorithm } from './checksums/extra.ts';
import { protectionOf } from './commit.ts';
import { composeChecksums } from './compose.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import {
  addKeys,
  checkUnlock,
  copyKeys,
  DEFAULT_KMS_KEY,
  dataKeyFor,
  defaultProtection,
  ensureDefaultKmsKey,
  kmsMaterial,
  readKeys,
  ringFrom,
  sseColumns,
} from './crypto/keys.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { clip, shift } from './extents.ts';
import { newId } from './ids.ts';
import { checkLabels } from './labels.ts';
import type { Checksums, ContentAttributes, Principal, Project, Protection, Unlock } from './model.ts';
import { type ChecksumType, checksumTypeFor } from './multipart-checksums.ts';
import { validatePath } from './paths.ts';
import { checkDataClass, requireProject } from './permissions.ts';
import { createManifest, readExtents } from './repo/manifests.ts';
import { resolveVersion } from './resolve.ts';
import { checkSize } from './size-limit.ts';
import { freeing } from './space.ts';
import { type BodyChecks, checksOf, storeBody } from './store-body.ts';

export const MAX_PART_NUMBER = 10_000;

export interface UploadInfo {
  id: string;
  project: string;
  path: string;
  principalId: string;
  attributes: ContentAttributes & {
    checksumAlgorithm?: string;
    checksumType?: ChecksumType;
    /**
     * The upload makes a new file: completing it where a file or a directory has the name is a Conflict (a file
     * dialect's upload without its overwrite flag).
     */
    createOnly?: boolean;
    /** What the client said at the start (a file dialect shows it back): the file's size and its part size. */
    declared?: { size?: number; partSize?: number };
  };
  createdAt: number;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;
  checksums: Checksums;
  createdAt: number;
}

export interface UploadRow {
  id: string;
  project_id: string;
  path: string;
  principal_id: string;
  attributes: string;
  created_at: number;
}

/**
 * The upload `uploadId` of `project`, at `path` when the caller's URL names one (S3's do); without a path it is found
 * by its id within the project (the native API's URLs carry only the id). Throws NoSuchUpload.
 */
export async function requireUpload(
  tx: Tx,
  project: Project,
  path: string | undefined,
  uploadId: string,
): Promise<UploadRow> {
  const row =
    path === undefined
      ? await tx.get<UploadRow>('SELECT * FROM uploads WHERE id = ? AND project_id = ?', [
          uploadId,
          project.id,
        ])
      : await tx.get<UploadRow>('SELECT * FROM uploads WHERE id = ? AND project_id = ? AND path = ?', [
          uploadId,
          project.id,
          path,
        ]);
  if (!row)
    throw new StorageError(
      'NoSuchUpload',
      'The specified upload does not exist. It may have been completed or aborted.',
      { resource: uploadId },
    );
  return row;
}

/**
 * How an upload's data keys are wrapped: fixed when it was created. An SSE-C upload needs its customer key with
 * every part (checked by MD5); any other upload refuses one.
 */
function uploadProtection(u: UploadRow, unlock: Unlock): Protection {
  const attrs = JSON.parse(u.attributes) as UploadInfo['attributes'];
  const sse = { sse: attrs.sse ?? null, sseKey: attrs.sseKey ?? null };
  checkUnlock(sse, unlock);
  const p = protectionOf(sse);
  return p.sse === 'SSE-C' ? { ...p, customerKey: unlock.customerKey } : p;
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new StorageError(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`,
    );
  }
}

export async function createUpload(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; attributes: UploadInfo['attributes']; protection?: Protection },
): Promise<UploadInfo> {
  validatePath(input.path);
  checkLabels(input.attributes);
  // A size declared at the start that no file may have is refused now, not after its parts are sent.
  if (input.attributes.declared?.size !== undefined) checkSize(deps, input.attributes.declared.size);
  const checksumType = checksumTypeFor(input.attributes.checksumAlgorithm, input.attributes.checksumType);
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'write-object' }, input.project);
    const protection = input.protection ?? defaultProtection(p);
    // A KMS key must exist and be enabled now, not only when the first part comes.
    if (protection.sse === 'aws:kms') {
      if (protection.kmsKey === DEFAULT_KMS_KEY) await ensureDefaultKmsKey(tx, deps);
      await kmsMaterial(tx, deps, protection.kmsKey!);
    }
    const attributes = { ...input.attributes, checksumType, ...sseColumns(protection) };
    const id = newId('');
    await tx.run(
      'INSERT INTO uploads (id, project_id, path, principal_id, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [id, p.id, input.path, principal.id, JSON.stringify(attributes), now],
    );
    return {
      id,
      project: p.name,
      path: input.path,
      principalId: principal.id,
      attributes,
      createdAt: now,
    };
  });
}

async function savePart(
  tx: Tx,
  input: {
    uploadId: string;
    partNumber: number;
    manifestId: string;
    size: number;
    etag: string;
    checksums: Checksums;
    now: number;
  },
): Promise<void> {
  await tx.run(
    `INSERT INTO parts (upload_id, part_number, manifest_id, size, etag, checksums, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (upload_id, part_number) DO UPDATE SET manifest_id = excluded.manifest_id, size = excluded.size,
       etag = excluded.etag, checksums = excluded.checksums, created_at = excluded.created_at`,
    [
      input.uploadId,
      input.partNumber,
      input.manifestId,
      input.size,
      input.etag,
      JSON.stringify(input.checksums),
      input.now,
    ],
  );
}

/**
 * What a part's body is checked and hashed for: the request's checks, plus the upload's checksum algorithm, which
 * every part gets so that Complete can assemble the object's. A part naming another algorithm is refused.
 */
function partChecks(input: BodyChecks & { algorithm?: string }, uploadAlgorithm: string | undefined) {
  const checks = checksOf(input) ?? {};
  if (uploadAlgorithm === undefined) return checks;
  if (input.algorithm !== undefined && input.algorithm !== uploadAlgorithm)
    throw new StorageError(
      'InvalidArgument',
      `Checksum type mismatch: the upload uses ${uploadAlgorithm.toUpperCase()}, the part ${input.algorithm.toUpperCase()}.`,
    );
  const extra = (EXTRA_ALGORITHMS as readonly string[]).includes(uploadAlgorithm)
    ? [uploadAlgorithm as ExtraAlgorithm]
    : [];
  return {
    ...checks,
    algorithms: [...new Set([...(checks.algorithms ?? []), ...extra])],
    wholeSha256: checks.wholeSha256 || uploadAlgorithm === 'sha256',
  };
}

/** Stores a part from a body. A part sent again with the same number replaces the earlier one. */
export async function uploadPart(
  deps: CoreDeps,
  principal: Principal,
  input: BodyChecks & {
    project: string;
    /** The upload's path, when the request names it; without it the upload is found by id in the project. */
    path?: string;
    uploadId: string;
    partNumber: number;
    body: AsyncIterable<Uint8Array>;
    /** The checksum algorithm the request names for the part, if any. */
    algorithm?: string;
    /** The customer key of an SSE-C upload. */
    unlock?: Unlock;
  },
): Promise<PartInfo & { upload: UploadInfo['attributes'] }> {
  checkPartNumber(input.partNumber);
  const { protection, attrs } = await deps.meta.tx(
    async (tx) => {
      const u = await requireUpload(
        tx,
        await requireProject(tx, { principal, need: 'write-object' }, input.project),
        input.path,
        input.uploadId,
      );
      const attrs = JSON.parse(u.attributes) as UploadInfo['attributes'];
      return { protection: uploadProtection(u, input.unlock ?? {}), attrs };
    },
    { readOnly: true },
  );
  const dek = dataKeyFor(deps, protection);
  return storeBody(
    deps,
    input.body,
    { ...partChecks(input, attrs.checksumAlgorithm), dek },
    async (tx, stored, now) => {
      const p = await requireProject(tx, { principal, need: 'write-object' }, input.project);
      const u = await requireUpload(tx, p, input.path, input.uploadId);
      await addKeys(tx, deps, 'upload_keys', u.id, [stored.dek], uploadProtection(u, input.unlock ?? {}));
      const checksums: Checksums = {
        md5: stored.md5,
        sha256: stored.sha256 || undefined,
        crc64nvme: stored.crc64nvme,
        ...stored.extra,
      };
      await savePart(tx, {
        uploadId: input.uploadId,
        partNumber: input.partNumber,
        manifestId: stored.manifestId,
        size: stored.size,
        etag: stored.md5,
        checksums,
        now,
      });
      return {
        partNumber: input.partNumber,
        size: stored.size,
        etag: stored.md5,
        checksums,
        createdAt: now,
        upload: JSON.parse(u.attributes) as UploadInfo['attributes'],
      };
    },
  );
}

/**
 * A part copied from a byte range of an object, by reference: the part's manifest points at the source's blocks.
 * Its ETag is the MD5 of "<source ETag>:<first>-<last>": stable for the same source version and range, and not
 * an MD5 of the bytes (reading them is what a copy must not do). Its CRC-64/NVME is exact.
 */
export async function uploadPartCopy(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    path: string;
    uploadId: string;
    partNumber: number;
    source: {
      project: string;
      path: string;
      versionId?: string;
      range?: { first: number; last: number };
      conditions?: Conditions;
      /** The source's customer key, for an SSE-C source. */
      unlock?: Unlock;
    };
    /** The upload's customer key, for an SSE-C upload. */
    unlock?: Unlock;
    /** The most bytes one part copy may name (a vendor's limit); EntityTooLarge past it. */
    maxLength?: number;
  },
): Promise<PartInfo & { sourceVersionId: string; upload: UploadInfo['attributes'] }> {
  checkPartNumber(input.partNumber);
  const plan = await deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, { principal, need: 'read-object' }, input.source);
      checkConditions(input.source.conditions, r.version, {
        safe: true,
        copySource: true,
        resource: input.source.path,
      });
      checkUnlock(r.version, input.source.unlock ?? {});
      const target = await requireProject(tx, { principal, need: 'write-object' }, input.project);
      checkDataClass(r.project, target);
      uploadProtection(await requireUpload(tx, target, input.path, input.uploadId), input.unlock ?? {});
      const range = input.source.range;
      if (range && (range.first > range.last || range.last >= r.size)) {
        throw new StorageError('InvalidRange', `The copy range is not within the source (size ${r.size}).`, {
          details: { size: r.size },
        });
      }
      const start = range?.first ?? 0;
      const end = range ? range.last + 1 : r.size;
      if (input.maxLength !== undefined && end - start > input.maxLength)
        throw new StorageError(
          'EntityTooLarge',
          `A part copy is at most ${input.maxLength} bytes; this one names ${end - start}.`,
        );
      const extents = await readExtents(tx, { manifestId: r.manifestId, start, end });
      const keys = await readKeys(tx, deps, 'version_keys', r.version.rowId, input.source.unlock ?? {});
      return { r, start, end, extents: shift(clip(extents, start, end), -start), keys };
    },
    { readOnly: true },
  );
  const size = plan.end - plan.start;
  const checksums = await composeChecksums(deps, plan.extents, size, plan.keys);
  const etag = createHash('md5')
    .update(`${plan.r.version.etag}:${plan.start}-${plan.end - 1}`)
    .digest('hex');
  const now = nowOf(deps);
  const attributes = await deps.meta.tx(async (tx) => {
    const target = await requireProject(tx, { principal, need: 'write-object' }, input.project);
    const u = await requireUpload(tx, target, input.path, input.uploadId);
    // The source's data keys join the upload's ring, wrapped as the upload wraps: no block is touched.
    const protection = uploadProtection(u, input.unlock ?? {});
    const ring = await ringFrom(tx, deps, plan.r.version, protection, input.source.unlock ?? {});
    for (const from of ring.carry ?? []) await copyKeys(tx, from, { table: 'upload_keys', owner: u.id });
    if (ring.add?.length) await addKeys(tx, deps, 'upload_keys', u.id, ring.add, protection);
    const manifestId = await createManifest(tx, { size, extents: plan.extents, now });
    await savePart(tx, {
      uploadId: input.uploadId,
      partNumber: input.partNumber,
      manifestId,
      size,
      etag,
      checksums,
      now,
    });
    return JSON.parse(u.attributes) as UploadInfo['attributes'];
  });
  return {
    partNumber: input.partNumber,
    size,
    etag,
    checksums,
    createdAt: now,
    sourceVersionId: plan.r.version.versionId,
    upload: attributes,
  };
}

/**
 * The parts of an upload. Listing them is part of uploading, not of reading the bucket: it takes what writing
 * objects takes, so a bucket's public-read does not show anyone the parts of an upload in progress.
 */
export async function listParts(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path?: string; uploadId: string; after?: number; limit?: number },
): Promise<{ upload: UploadInfo; parts: PartInfo[]; truncated: boolean }> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, { principal, need: 'write-object' }, input.project);
      const u = await requireUpload(tx, p, input.path, input.uploadId);
      const limit = input.limit ?? 1000;
      const rows = await tx.all<{
        part_number: number;
        size: number;
        etag: string;
        checksums: string;
        created_at: number;
      }>(
        'SELECT part_number, size, etag, checksums, created_at FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
        [u.id, input.after ?? 0, limit + 1],
      );
      return {
        upload: toUpload(u, p.name),
        parts: rows.slice(0, limit).map((r) => ({
          partNumber: r.part_number,
          size: r.size,
          etag: r.etag,
          checksums: JSON.parse(r.checksums) as Checksums,
          createdAt: r.created_at,
        })),
        truncated: rows.length > limit,
      };
    },
    { readOnly: true },
  );
}

/** An upload's row as the callers see it. */
export const toUpload = (u: UploadRow, project: string): UploadInfo => ({
  id: u.id,
  project,
  path: u.path,
  principalId: u.principal_id,
  attributes: JSON.parse(u.attributes) as UploadInfo['attributes'],
  createdAt: u.created_at,
});

export async function abortUpload(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path?: string; uploadId: string },
): Promise<void> {
  await freeing(deps.reserve, () =>
    deps.meta.tx(async (tx) => {
      const p = await requireProject(tx, { principal, need: 'write-object' }, input.project);
      await requireUpload(tx, p, input.path, input.uploadId);
      await tx.run('DELETE FROM upload_keys WHERE upload_id = ?', [input.uploadId]);
      await tx.run('DELETE FROM uploads WHERE id = ?', [input.uploadId]);
    }),
  );
}
