// Completing a multipart upload: the parts' extents concatenated into one manifest, no byte moved, and the object
// committed as the new version. A Complete sent again after it succeeded gets the same version back.
import { createHash } from 'node:crypto';
import type { Tx } from '../meta/meta-store.ts';
import { commitVersion, protectionOf } from './commit.ts';
import type { Conditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Checksums, Principal, Project, VersionInfo } from './model.ts';
import { requireUpload, type UploadInfo, type UploadRow } from './multipart.ts';
import { assembledChecksum, checksumOf, type PartAlgorithm } from './multipart-checksums.ts';
import { requireProject } from './permissions.ts';
import { concatManifests } from './repo/manifests.ts';
import { getVersionByRowId } from './repo/versions.ts';
import { checkSize } from './size-limit.ts';

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
  input: { path?: string; uploadId: string; parts: { etag: string }[] },
): Promise<VersionInfo | undefined> {
  // Without a path only a scan of the project's versions could find it: such a caller gets NoSuchUpload.
  if (input.path === undefined) return undefined;
  const row = await tx.get<{ id: string }>(
    'SELECT v.id FROM versions v JOIN files f ON f.id = v.file_id WHERE f.project_id = ? AND f.path = ? AND f.hidden = 0 AND v.upload_id = ?',
    [project.id, input.path, input.uploadId],
  );
  const v = row ? await getVersionByRowId(tx, row.id) : undefined;
  return v && v.etag === multipartEtag(input.parts.map((p) => p.etag)) ? v : undefined;
}

/** What a Complete declares of checksums: per part, and for the object (with the type the upload must have). */
export interface DeclaredChecksums {
  type?: string;
  object?: Partial<Record<PartAlgorithm, string>>;
}

const withoutCount = (v: string) => v.replace(/-\d+$/, '');

/**
 * The object's checksums from its parts: the CRC-64/NVME always (full object), and the upload's algorithm as the
 * upload asked (full object or composite). What the request declares is verified: a part's checksum that differs is
 * InvalidPart, the object's BadDigest; a type or algorithm the upload was not created with is InvalidArgument.
 */
function assembleChecksums(
  attrs: UploadInfo['attributes'],
  parts: readonly {
    number: number;
    size: number;
    checksums: Checksums;
    declared?: Partial<Record<PartAlgorithm, string>>;
  }[],
  declared: DeclaredChecksums,
): Checksums {
  const algorithm = attrs.checksumAlgorithm as PartAlgorithm | undefined;
  const type = attrs.checksumType;
  if (declared.type !== undefined && declared.type.toUpperCase() !== (type ?? 'FULL_OBJECT'))
    throw new StorageError(
      'InvalidArgument',
      `The upload was created with the ${type ?? 'FULL_OBJECT'} checksum type; the Complete must use it too.`,
    );
  for (const p of parts)
    for (const [alg, value] of Object.entries(p.declared ?? {}) as [PartAlgorithm, string][])
      if (checksumOf(p.checksums, alg) !== value)
        throw new StorageError(
          'InvalidPart',
          `The ${alg.toUpperCase()} of part ${p.number} does not match.`,
          {
            resource: String(p.number),
          },
        );
  const crc = assembledChecksum(
    'crc64nvme',
    'FULL_OBJECT',
    parts.map((p) => ({ checksum: p.checksums.crc64nvme ?? 'AAAAAAAAAAA=', size: p.size })),
  );
  const out: Checksums = { crc64nvme: crc };
  if (algorithm && type && algorithm !== 'crc64nvme') {
    const sums = parts.map((p) => ({ checksum: checksumOf(p.checksums, algorithm), size: p.size }));
    // A part copied by reference has no digest of this algorithm (reading its bytes is what a copy avoids).
    if (sums.every((s) => s.checksum !== undefined)) {
      const value = assembledChecksum(algorithm, type, sums as { checksum: string; size: number }[]);
      if (type === 'COMPOSITE') out.composite = { algorithm, value };
      else out[algorithm as 'crc32' | 'crc32c'] = value;
    }
  }
  for (const [alg, value] of Object.entries(declared.object ?? {}) as [PartAlgorithm, string][]) {
    const have =
      alg === algorithm && type === 'COMPOSITE'
        ? out.composite?.value
        : alg === 'crc64nvme'
          ? crc
          : undefined;
    const full = alg === algorithm && type === 'FULL_OBJECT' ? checksumOf(out, alg) : undefined;
    const computed = have ?? full;
    if (computed === undefined)
      throw new StorageError(
        'InvalidArgument',
        `The object's ${alg.toUpperCase()} cannot be verified: the upload was not created with that algorithm, or a part was copied.`,
      );
    if (withoutCount(computed) !== withoutCount(value))
      throw new StorageError(
        'BadDigest',
        `The ${alg.toUpperCase()} you specified did not match the object's.`,
      );
  }
  return out;
}

/**
 * Completes an upload from the listed parts. Throws InvalidPartOrder when numbers do not ascend, InvalidPart when a
 * part is missing or its ETag or declared checksum differs (or, with `consecutive`, when a number does not follow
 * the one before), EntityTooSmall when a part but the last is under `minPartSize`, BadDigest when the object's
 * declared checksum differs. The object's ETag is the MD5 of the parts' binary MD5s followed by "-N"; its checksums
 * are composed from the parts' (`assembleChecksums`).
 */
export async function completeUpload(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    /** The upload's path, when the request names it; without it the upload is found by id in the project. */
    path?: string;
    uploadId: string;
    parts: { partNumber: number; etag: string; checksums?: Partial<Record<PartAlgorithm, string>> }[];
    minPartSize: number;
    /** Part numbers must follow each other without a gap (InvalidPart otherwise). */
    consecutive?: boolean;
    conditions?: Conditions;
    checksums?: DeclaredChecksums;
  },
): Promise<VersionInfo> {
  if (input.parts.length === 0)
    throw new StorageError('InvalidArgument', 'You must specify at least one part.');
  for (let i = 1; i < input.parts.length; i++) {
    const [before, number] = [input.parts[i - 1]!.partNumber, input.parts[i]!.partNumber];
    if (number <= before) {
      throw new StorageError(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
      );
    }
    if (input.consecutive && number !== before + 1) {
      throw new StorageError(
        'InvalidPart',
        `Part ${number} does not follow part ${before}: part numbers must be consecutive.`,
        { resource: String(number) },
      );
    }
  }
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const p = await requireProject(tx, { principal, need: 'write-object' }, input.project);
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
    const attrs = JSON.parse(u.attributes) as UploadInfo['attributes'];
    const checksums = assembleChecksums(
      attrs,
      chosen.map((part, i) => ({
        number: part.part_number,
        size: part.size,
        checksums: JSON.parse(part.checksums) as Checksums,
        declared: input.parts[i]!.checksums,
      })),
      input.checksums ?? {},
    );
    const offset = chosen.reduce((a, part) => a + part.size, 0);
    checkSize(deps, offset);
    const etag = multipartEtag(chosen.map((part) => part.etag));
    const manifestId = (
      await concatManifests(tx, {
        pieces: chosen.map((part) => ({ manifestId: part.manifest_id, size: part.size })),
        now,
      })
    ).id;
    const sse = { sse: attrs.sse ?? null, sseKey: attrs.sseKey ?? null };
    const v = await commitVersion(tx, {
      deps,
      project: p,
      path: u.path,
      principalId: principal.id,
      now,
      conditions: input.conditions,
      conflict: attrs.createOnly ? 'fail' : 'overwrite',
      exclusive: attrs.createOnly,
      build: () => ({
        size: offset,
        etag,
        checksums,
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
