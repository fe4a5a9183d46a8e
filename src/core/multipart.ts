// Multipart uploads: parts are manifests (uploaded or copied by reference); completing concatenates their extents
// into one manifest and moves no bytes.
import { createHash } from 'node:crypto';
import type { Tx } from '../meta/meta-store.ts';
import { crc64Combine, crc64FromBase64, crc64ToBase64 } from './checksums/crc64nvme.ts';
import { commitVersion, protectionOf } from './commit.ts';
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
import { type BodyChecks, checksOf, storeBody } from './ingest.ts';
import type {
  Checksums,
  ContentAttributes,
  Principal,
  Project,
  Protection,
  Unlock,
  VersionInfo,
} from './model.ts';
import { validatePath } from './paths.ts';
import { checkDataClass, requireProject } from './permissions.ts';
import { concatManifests, createManifest, readExtents } from './repo/manifests.ts';
import { getVersionByRowId } from './repo/versions.ts';
import { resolveVersion } from './resolve.ts';

export const MAX_PART_NUMBER = 10_000;

export interface UploadInfo {
  id: string;
  project: string;
  path: string;
  principalId: string;
  attributes: ContentAttributes & { checksumAlgorithm?: string };
  createdAt: number;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;
  checksums: Checksums;
  createdAt: number;
}

interface UploadRow {
  id: string;
  project_id: string;
  path: string;
  principal_id: string;
  attributes: string;
  created_at: number;
}

/** S3's ETag of an object assembled from parts: the MD5 of the parts' MD5s, then `-` and their number. */
function multipartEtag(partEtags: string[]): string {
  const md5s = partEtags.map((e) => Buffer.from(e.replace(/^"|"$/g, ''), 'hex'));
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${partEtags.length}`;
}

/**
 * The version that an earlier Complete of this upload made at this path, when the parts named now are the ones it
 * assembled (their ETags make its ETag). Undefined when there is none, or when that version is gone.
 */
async function completedBefore(
  tx: Tx,
  project: Project,
  input: { path: string; uploadId: string; parts: { etag: string }[] },
): Promise<VersionInfo | undefined> {
  const row = await tx.get<{ id: string }>(
    'SELECT v.id FROM versions v JOIN files f ON f.id = v.file_id WHERE f.project_id = ? AND f.path = ? AND f.hidden = 0 AND v.upload_id = ?',
    [project.id, input.path, input.uploadId],
  );
  const v = row ? await getVersionByRowId(tx, row.id) : undefined;
  return v && v.etag === multipartEtag(input.parts.map((p) => p.etag)) ? v : undefined;
}

async function requireUpload(tx: Tx, project: Project, path: string, uploadId: string): Promise<UploadRow> {
  const row = await tx.get<UploadRow>('SELECT * FROM uploads WHERE id = ? AND project_id = ? AND path = ?', [
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
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, principal, input.project, 'write');
    const protection = input.protection ?? defaultProtection(p);
    // A KMS key must exist and be enabled now, not only when the first part comes.
    if (protection.sse === 'aws:kms') {
      if (protection.kmsKey === DEFAULT_KMS_KEY) await ensureDefaultKmsKey(tx, deps);
      await kmsMaterial(tx, deps, protection.kmsKey!);
    }
    const attributes = { ...input.attributes, ...sseColumns(protection) };
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

/** Stores a part from a body. A part sent again with the same number replaces the earlier one. */
export async function uploadPart(
  deps: CoreDeps,
  principal: Principal,
  input: BodyChecks & {
    project: string;
    path: string;
    uploadId: string;
    partNumber: number;
    body: AsyncIterable<Uint8Array>;
    /** The customer key of an SSE-C upload. */
    unlock?: Unlock;
  },
): Promise<PartInfo & { upload: UploadInfo['attributes'] }> {
  checkPartNumber(input.partNumber);
  const protection = await deps.meta.tx(
    async (tx) =>
      uploadProtection(
        await requireUpload(
          tx,
          await requireProject(tx, principal, input.project, 'write'),
          input.path,
          input.uploadId,
        ),
        input.unlock ?? {},
      ),
    { readOnly: true },
  );
  const dek = dataKeyFor(deps, protection);
  return storeBody(deps, input.body, { ...checksOf(input), dek }, async (tx, stored, now) => {
    const p = await requireProject(tx, principal, input.project, 'write');
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
  });
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
  },
): Promise<PartInfo & { sourceVersionId: string; upload: UploadInfo['attributes'] }> {
  checkPartNumber(input.partNumber);
  const plan = await deps.meta.tx(
    async (tx) => {
      const r = await resolveVersion(tx, principal, input.source, 'read');
      checkConditions(input.source.conditions, r.version, {
        safe: true,
        copySource: true,
        resource: input.source.path,
      });
      checkUnlock(r.version, input.source.unlock ?? {});
      const target = await requireProject(tx, principal, input.project, 'write');
      checkDataClass(r.project, target);
      uploadProtection(await requireUpload(tx, target, input.path, input.uploadId), input.unlock ?? {});
      const range = input.source.range;
      if (range && (range.first > range.last || range.last >= r.size)) {
        throw new StorageError(
          'InvalidArgument',
          `The x-amz-copy-source-range is not within the source (size ${r.size}).`,
          { details: { size: r.size } },
        );
      }
      const start = range?.first ?? 0;
      const end = range ? range.last + 1 : r.size;
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
    const target = await requireProject(tx, principal, input.project, 'write');
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

export async function listParts(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; uploadId: string; after?: number; limit?: number },
): Promise<{ upload: UploadInfo; parts: PartInfo[]; truncated: boolean }> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, principal, input.project, 'read');
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

const toUpload = (u: UploadRow, project: string): UploadInfo => ({
  id: u.id,
  project,
  path: u.path,
  principalId: u.principal_id,
  attributes: JSON.parse(u.attributes) as UploadInfo['attributes'],
  createdAt: u.created_at,
});

/** Uploads in progress, by key then start time, after a key (and upload id) marker. */
export async function listUploads(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; prefix?: string; afterKey?: string; afterId?: string; limit?: number },
): Promise<{ uploads: UploadInfo[]; truncated: boolean }> {
  return deps.meta.tx(
    async (tx) => {
      const p = await requireProject(tx, principal, input.project, 'read');
      const limit = input.limit ?? 1000;
      const prefix = input.prefix ?? '';
      const afterKey = input.afterKey ?? '';
      const rows = await tx.all<UploadRow>(
        `SELECT * FROM uploads WHERE project_id = ? AND path >= ? AND path < ? AND (path > ? OR (path = ? AND id > ?))
         ORDER BY path, created_at, id LIMIT ?`,
        [
          p.id,
          prefix,
          `${prefix}\u{10ffff}`,
          afterKey,
          afterKey,
          input.afterId ?? (input.afterKey === undefined ? '' : '\u{10ffff}'),
          limit + 1,
        ],
      );
      return {
        uploads: rows.slice(0, limit).map((u) => toUpload(u, p.name)),
        truncated: rows.length > limit,
      };
    },
    { readOnly: true },
  );
}

export async function abortUpload(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; uploadId: string },
): Promise<void> {
  await deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, principal, input.project, 'write');
    await requireUpload(tx, p, input.path, input.uploadId);
    await tx.run('DELETE FROM upload_keys WHERE upload_id = ?', [input.uploadId]);
    await tx.run('DELETE FROM uploads WHERE id = ?', [input.uploadId]);
  });
}

/**
 * Completes an upload from the listed parts. Throws InvalidPartOrder when numbers do not ascend, InvalidPart when a
 * part is missing or its ETag differs, EntityTooSmall when a part but the last is under `minPartSize`. The object's
 * ETag is the MD5 of the parts' binary MD5s followed by "-N"; its CRC-64/NVME is composed from the parts'.
 */
export async function completeUpload(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    path: string;
    uploadId: string;
    parts: { partNumber: number; etag: string }[];
    minPartSize: number;
    conditions?: Conditions;
  },
): Promise<VersionInfo> {
  if (input.parts.length === 0)
    throw new StorageError('InvalidArgument', 'You must specify at least one part.');
  for (let i = 1; i < input.parts.length; i++) {
    if (input.parts[i]!.partNumber <= input.parts[i - 1]!.partNumber) {
      throw new StorageError(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
      );
    }
  }
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, principal, input.project, 'write');
    let u: UploadRow;
    try {
      u = await requireUpload(tx, p, input.path, input.uploadId);
    } catch (err) {
      // A client that lost the answer to its Complete sends it again: the same parts get the same version.
      const done = await completedBefore(tx, p, input);
      if (done) return done;
      throw err;
    }
    const rows = await tx.all<{
      part_number: number;
      manifest_id: string;
      size: number;
      etag: string;
      checksums: string;
    }>('SELECT part_number, manifest_id, size, etag, checksums FROM parts WHERE upload_id = ?', [u.id]);
    const byNumber = new Map(rows.map((r) => [r.part_number, r]));
    // Every listed part must exist with its ETag before any size rule is looked at.
    const chosen = input.parts.map((want) => {
      const have = byNumber.get(want.partNumber);
      if (!have || have.etag !== want.etag.replace(/^"|"$/g, '')) {
        throw new StorageError(
          'InvalidPart',
          `Part ${want.partNumber} could not be found or its ETag does not match.`,
          { resource: String(want.partNumber) },
        );
      }
      return have;
    });
    for (const [i, part] of chosen.entries()) {
      if (i < chosen.length - 1 && part.size < input.minPartSize) {
        throw new StorageError(
          'EntityTooSmall',
          `Part ${part.part_number} is smaller than the minimum allowed size of ${input.minPartSize} bytes.`,
        );
      }
    }
    let offset = 0;
    let crc = 0n;
    for (const part of chosen) {
      const c = (JSON.parse(part.checksums) as Checksums).crc64nvme;
      crc =
        offset === 0
          ? crc64FromBase64(c ?? 'AAAAAAAAAAA=')
          : crc64Combine(crc, crc64FromBase64(c ?? 'AAAAAAAAAAA='), part.size);
      offset += part.size;
    }
    const etag = multipartEtag(chosen.map((part) => part.etag));
    const manifestId = (
      await concatManifests(tx, {
        pieces: chosen.map((part) => ({ manifestId: part.manifest_id, size: part.size })),
        now,
      })
    ).id;
    const attrs = JSON.parse(u.attributes) as UploadInfo['attributes'];
    const sse = { sse: attrs.sse ?? null, sseKey: attrs.sseKey ?? null };
    const v = await commitVersion(tx, {
      deps,
      project: p,
      path: u.path,
      principalId: principal.id,
      now,
      conditions: input.conditions,
      conflict: 'overwrite',
      build: () => ({
        size: offset,
        etag,
        checksums: { crc64nvme: crc64ToBase64(crc) },
        contentType: attrs.contentType ?? null,
        contentDisposition: attrs.contentDisposition ?? null,
        contentEncoding: attrs.contentEncoding ?? null,
        cacheControl: attrs.cacheControl ?? null,
        expires: attrs.expires ?? null,
        userMetadata: attrs.userMetadata ?? {},
        tags: attrs.tags ?? {},
        properties: attrs.properties ?? {},
        acl: attrs.acl ?? null,
        ...sse,
        // The upload's ring is already wrapped as the object's must be.
        ring: {
          carry: [{ table: 'upload_keys', owner: u.id }],
          protection: protectionOf(sse),
        },
        partSizes: chosen.map((c) => c.size),
        uploadId: u.id,
        streams: { '': manifestId },
      }),
    });
    await tx.run('DELETE FROM upload_keys WHERE upload_id = ?', [u.id]);
    await tx.run('DELETE FROM uploads WHERE id = ?', [u.id]);
    return v;
  });
}
