// The copy engine: every form is a metadata operation over shared blocks, committed in one transaction.
import type { Tx } from '../meta/meta-store.ts';
import { carryRing, commitVersion, protectionOf, type VersionDraft } from './commit.ts';
import { composeChecksums } from './compose.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import { checkUnlock, defaultProtection, readKeys, ringFrom, sseColumns } from './crypto/keys.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { clip, shift, splice } from './extents.ts';
import type {
  ContentAttributes,
  CopyReceipt,
  CopyRequest,
  Extent,
  MetadataDirective,
  Principal,
  Project,
  VersionInfo,
} from './model.ts';
import { fileKey, StalePlan, whileStale } from './optimistic.ts';
import { validatePath, validateStreamName } from './paths.ts';
import { type Access, checkDataClass, requireProject } from './permissions.ts';
import { createManifest, readExtents } from './repo/manifests.ts';
import { getFileByPath, getVersionByRowId } from './repo/versions.ts';
import { type Resolved, resolveVersion } from './resolve.ts';
import { checkSize, checkSpan } from './size-limit.ts';
import { carry, opaqueEtag } from './write.ts';

export interface CopyOptions {
  /** What the source needs: `read-object` for S3 (a version's ACL counts), the `copy` role where the dialect says so. */
  sourceNeed?: 'read-object' | 'copy';
  renamer?: (path: string, n: number) => string;
  signal?: AbortSignal;
  /** A range that starts at or past the source's end copies nothing (as a read there returns nothing), not InvalidRange. */
  emptyPastEnd?: boolean;
  /**
   * The whole range in one call, past the bounds on bytes and extents: for a copy within one file whose ranges
   * overlap, which calls in pieces would read after writing. It is still metadata only.
   */
  unbounded?: boolean;
  /** A named stream as the target must exist already (NoSuchStream otherwise). */
  existingStream?: boolean;
  /** When a whole-file copy expires (ms since the epoch); absent: never, whatever the source's expiry. */
  expiresAt?: number | null;
}

function sourceConditions(req: CopyRequest): Conditions {
  const s = req.source;
  return {
    ifMatch: s.ifMatch,
    ifNoneMatch: s.ifNoneMatch,
    ifModifiedSince: s.ifModifiedSince,
    ifUnmodifiedSince: s.ifUnmodifiedSince,
    ifVersion: s.ifVersion,
    ifVersionFrom: s.ifVersionFrom,
  };
}

function targetConditions(req: CopyRequest): Conditions {
  const t = req.target;
  return { ifMatch: t.ifMatch, ifNoneMatch: t.ifNoneMatch, ifVersion: t.ifVersion, fileId: t.fileId };
}

/** The labels a copy gives its target: the metadata directive, then the tagging directive when there is one. */
export function applyDirectives(base: ContentAttributes, req: CopyRequest): ContentAttributes {
  const attrs = applyDirective(base, req.metadata);
  if (!req.tagging) return attrs;
  return { ...attrs, tags: req.tagging.directive === 'replace' ? (req.tagging.tags ?? {}) : base.tags };
}

/** Applies a metadata directive: `copy` keeps the source's, `replace` takes the request's, `merge` overlays them. */
export function applyDirective(
  base: ContentAttributes,
  meta: ({ directive: MetadataDirective } & ContentAttributes) | undefined,
): ContentAttributes {
  if (!meta || meta.directive === 'copy') return base;
  const given: ContentAttributes = {};
  for (const k of [
    'contentType',
    'contentDisposition',
    'contentEncoding',
    'cacheControl',
    'expires',
  ] as const) {
    if (meta[k] !== undefined) given[k] = meta[k];
  }
  if (meta.directive === 'replace') {
    return {
      contentType: given.contentType ?? null,
      contentDisposition: given.contentDisposition ?? null,
      contentEncoding: given.contentEncoding ?? null,
      cacheControl: given.cacheControl ?? null,
      expires: given.expires ?? null,
      userMetadata: meta.userMetadata ?? {},
      tags: meta.tags ?? {},
      properties: meta.properties ?? base.properties,
    };
  }
  if (meta.directive === 'merge') {
    return {
      ...base,
      ...given,
      userMetadata: { ...base.userMetadata, ...meta.userMetadata },
      tags: { ...base.tags, ...meta.tags },
      properties: { ...base.properties, ...meta.properties },
    };
  }
  throw new StorageError('InvalidArgument', "The metadata directive must be 'copy', 'replace' or 'merge'.");
}

function validateRequest(deps: CoreDeps, req: CopyRequest): void {
  validatePath(req.target.path);
  if (req.source.stream) validateStreamName(req.source.stream);
  if (req.target.stream) validateStreamName(req.target.stream);
  checkSpan(deps, 'source.offset', req.source.offset);
  checkSpan(deps, 'source.length', req.source.length);
  checkSpan(deps, 'target.offset', req.target.offset);
  if (req.conflict !== undefined && !['fail', 'overwrite', 'rename'].includes(req.conflict)) {
    throw new StorageError('InvalidArgument', "conflict must be 'fail', 'overwrite' or 'rename'.");
  }
}

const isRangeCopy = (req: CopyRequest) =>
  req.source.offset !== undefined || req.source.length !== undefined || req.target.offset !== undefined;

/** Copies one file (whole or a byte range). Tree copies go through `startTreeCopy`. */
export async function copyFile(
  deps: CoreDeps,
  principal: Principal,
  req: CopyRequest,
  options: CopyOptions = {},
): Promise<CopyReceipt> {
  validateRequest(deps, req);
  return isRangeCopy(req)
    ? copyRange(deps, principal, req, options)
    : copyWhole(deps, principal, req, options);
}

function lineageOf(r: Resolved) {
  return {
    fileId: r.version.fileId,
    versionId: r.version.versionId,
    etag: r.version.etag,
    project: r.project.name,
    path: r.version.path,
  };
}

function receipt(r: Resolved, target: VersionInfo, stream: string, bytes: number): CopyReceipt {
  return {
    mode: 'reference',
    source: {
      project: r.project.name,
      path: r.version.path,
      fileId: r.version.fileId,
      versionId: r.version.versionId,
      versionRow: r.version.rowId,
      etag: r.version.etag,
      stream: r.stream,
    },
    target: {
      project: target.project,
      path: target.path,
      fileId: target.fileId,
      versionId: target.versionId,
      versionRow: target.rowId,
      etag: target.etag,
      stream,
      sse: target.sse,
      sseKey: target.sseKey,
      modifiedAt: target.modifiedAt,
    },
    bytes,
    checksums: target.checksums,
  };
}

async function openSource(tx: Tx, access: Access, req: CopyRequest): Promise<Resolved> {
  const r = await resolveVersion(tx, access, req.source);
  checkConditions(sourceConditions(req), r.version, {
    safe: true,
    copySource: true,
    resource: req.source.path ?? req.source.id,
  });
  checkUnlock(r.version, req.unlock ?? {});
  return r;
}

async function openTarget(tx: Tx, principal: Principal, req: CopyRequest, source: Project): Promise<Project> {
  const target = await requireProject(tx, { principal, need: 'write-object' }, req.target.project);
  checkDataClass(source, target);
  return target;
}

/** Whole file: the new version shares the source's manifests. O(1) in the file's size and extent count. */
async function copyWhole(
  deps: CoreDeps,
  principal: Principal,
  req: CopyRequest,
  options: CopyOptions,
): Promise<CopyReceipt> {
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const r = await openSource(tx, { principal, need: options.sourceNeed ?? 'read-object' }, req);
    const target = await openTarget(tx, principal, req, r.project);
    const targetStream = req.target.stream ?? '';
    const v = await commitVersion(tx, {
      deps,
      project: target,
      path: req.target.path,
      principalId: principal.id,
      now,
      conditions: targetConditions(req),
      conflict: req.conflict ?? 'overwrite',
      renamer: options.renamer,
      build: async (current): Promise<VersionDraft> => {
        if (targetStream !== '') {
          // Into a named stream of an existing file: only that stream changes.
          if (!current)
            throw new StorageError('NoSuchKey', 'A named stream needs an existing file.', {
              resource: req.target.path,
            });
          const draft = carry(current);
          const theirs = await ringFrom(tx, deps, r.version, protectionOf(current), req.unlock ?? {});
          draft.ring = { ...theirs, carry: [...draft.ring!.carry!, ...(theirs.carry ?? [])] };
          draft.streams[targetStream] = r.manifestId;
          return draft;
        }
        // The target's encryption is the request's or its project's default, never the source's (as in S3).
        const protection = req.protection ?? defaultProtection(target);
        const draft: VersionDraft = {
          ...carry(r.version),
          // A copy does not inherit its source's expiry: it expires when the request says, or never.
          expiresAt: options.expiresAt ?? null,
          ...sseColumns(protection),
          ring: await ringFrom(tx, deps, r.version, protection, req.unlock ?? {}),
        };
        const attrs = applyDirectives(draft, req);
        if (r.stream !== '') {
          // From a named stream: it becomes the default stream of the target.
          const extents = await readExtents(tx, { manifestId: r.manifestId, start: 0, end: r.size });
          const keys = await readKeys(tx, deps, 'version_keys', r.version.rowId, req.unlock ?? {});
          return {
            ...draft,
            ...attrs,
            acl: req.acl ?? null,
            size: r.size,
            etag: opaqueEtag(),
            checksums: await composeChecksums(deps, extents, r.size, keys),
            streams: { '': r.manifestId },
            partSizes: null,
            lineage: lineageOf(r),
          };
        }
        return {
          ...draft,
          ...attrs,
          acl: req.acl ?? null,
          lineage: lineageOf(r),
          createdBy: principal.id,
          createdAt: now,
        };
      },
    });
    return receipt(r, v, targetStream, r.size);
  });
}

/**
 * A byte range into an offset of an existing or new file. Splits at most the two boundary extents of the source
 * and of the target. Bounded: after `maxCopyExtents` source extents or `maxCopyBytes` bytes it stops, and the
 * receipt carries the request for the remainder.
 */
async function copyRange(
  deps: CoreDeps,
  principal: Principal,
  req: CopyRequest,
  options: CopyOptions,
): Promise<CopyReceipt> {
  const source: Access = { principal, need: options.sourceNeed ?? 'read-object' };
  const attempt = async (): Promise<CopyReceipt> => {
    options.signal?.throwIfAborted();
    const plan = await deps.meta.tx(
      async (tx) => {
        const r = await openSource(tx, source, req);
        const target = await openTarget(tx, principal, req, r.project);
        const from = req.source.offset ?? 0;
        // As an HTTP range: one must start before the end, but from the first byte to the end is the whole source,
        // nothing when it is empty.
        const whole = from === 0 && req.source.length === undefined;
        if (from >= r.size && !whole && !options.emptyPastEnd)
          throw new StorageError(
            'InvalidRange',
            `The source range starts ${from === r.size ? 'at' : 'past'} the end of the source (${r.size} bytes).`,
            { details: { size: r.size } },
          );
        const wanted = Math.max(0, Math.min(req.source.length ?? r.size - from, r.size - from));
        let n = options.unbounded ? wanted : Math.min(wanted, deps.limits.maxCopyBytes);
        const src = await readExtents(tx, {
          manifestId: r.manifestId,
          start: from,
          end: from + n,
          limit: options.unbounded ? undefined : deps.limits.maxCopyExtents + 1,
        });
        if (!options.unbounded && src.length > deps.limits.maxCopyExtents) {
          n = Math.max(1, src[deps.limits.maxCopyExtents]!.fileOffset - from);
        }
        const file = await getFileByPath(tx, target.id, req.target.path);
        const cur = file?.current_version_id
          ? await getVersionByRowId(tx, file.current_version_id)
          : undefined;
        // Under `rename` a taken target is left alone: the copy goes to a new file.
        const live = cur && !cur.deleteMarker && req.conflict !== 'rename' ? cur : undefined;
        if (cur && !cur.deleteMarker && req.conflict === 'fail') {
          throw new StorageError('Conflict', `'${req.target.path}' already exists.`, {
            resource: req.target.path,
          });
        }
        const stream = req.target.stream ?? '';
        const tm = live && Object.hasOwn(live.streams, stream) ? live.streams[stream] : undefined;
        if (stream !== '' && !live)
          throw new StorageError('NoSuchKey', 'A named stream needs an existing file.', {
            resource: req.target.path,
          });
        if (stream !== '' && options.existingStream && !tm)
          throw new StorageError('NoSuchStream', `The stream '${stream}' does not exist.`, {
            resource: stream,
          });
        // Nothing to copy into an existing file writes nothing: its preconditions are all there is to check.
        if (n === 0 && live) {
          checkConditions(targetConditions(req), live, { safe: false, resource: req.target.path });
          return { r, live, n, empty: true as const };
        }
        const tExtents = tm
          ? await readExtents(tx, { manifestId: tm.manifestId, start: 0, end: tm.size })
          : [];
        // The keys of both sides, to read the boundary blocks whose checksums must be computed.
        const keys = await readKeys(tx, deps, 'version_keys', r.version.rowId, req.unlock ?? {});
        if (live)
          for (const [id, key] of await readKeys(tx, deps, 'version_keys', live.rowId, {})) keys.set(id, key);
        return {
          r,
          target,
          from,
          n,
          wanted,
          src: clip(src, from, from + n),
          live,
          tExtents,
          tSize: tm?.size ?? 0,
          stream,
          keys,
          empty: false as const,
        };
      },
      { readOnly: true },
    );
    if (plan.empty) return receipt(plan.r, plan.live, req.target.stream ?? '', 0);
    const at = req.target.offset ?? 0;
    // The copy grows the target as a write of its bytes there would: past the largest file, EntityTooLarge. The
    // whole range asked for is measured, not this piece of it, so that a copy taken in pieces is refused before
    // its first piece rather than part-way.
    checkSize(deps, at + plan.wanted);
    const moved = shift(plan.src, at - plan.from);
    const extents: Extent[] = splice(plan.tExtents, at, plan.n, moved);
    const size = Math.max(plan.tSize, at + plan.n);
    const checksums = await composeChecksums(deps, extents, size, plan.keys);
    const now = nowOf(deps);
    const v = await deps.meta.tx(async (tx) => {
      const r = await openSource(tx, source, req);
      if (r.version.rowId !== plan.r.version.rowId) throw new StalePlan();
      const target = await openTarget(tx, principal, req, r.project);
      // The whole source over the whole target is the source's extent list itself: share it, as a whole copy does.
      const whole = plan.from === 0 && at === 0 && plan.n === plan.r.size && plan.tSize <= plan.n;
      const manifestId = whole ? plan.r.manifestId : await createManifest(tx, { size, extents, now });
      return commitVersion(tx, {
        deps,
        project: target,
        path: req.target.path,
        principalId: principal.id,
        now,
        conditions: targetConditions(req),
        conflict: req.conflict ?? 'overwrite',
        renamer: options.renamer,
        build: async (current): Promise<VersionDraft> => {
          if ((current?.rowId ?? null) !== (plan.live?.rowId ?? null)) throw new StalePlan();
          // Into an existing file its ACL and encryption stay; a new file gets the request's.
          const protection = current ? protectionOf(current) : (req.protection ?? defaultProtection(target));
          const theirs = await ringFrom(tx, deps, r.version, protection, req.unlock ?? {});
          const base: VersionDraft = current
            ? {
                ...carry(current),
                ring: { ...theirs, carry: [...carryRing(current).carry!, ...(theirs.carry ?? [])] },
              }
            : {
                ...carry(r.version),
                expiresAt: null,
                ...sseColumns(protection),
                ring: theirs,
                acl: req.acl ?? null,
                createdBy: principal.id,
                createdAt: now,
              };
          const attrs = applyDirectives(base, req);
          const draft: VersionDraft = { ...base, ...attrs, lineage: lineageOf(r) };
          draft.streams = current ? { ...base.streams, [plan.stream]: manifestId } : { '': manifestId };
          if (plan.stream === '') {
            draft.size = size;
            draft.etag = opaqueEtag();
            draft.checksums = checksums;
            draft.partSizes = null;
          }
          return draft;
        },
      });
    });
    const out = receipt(plan.r, v, plan.stream, plan.n);
    if (plan.n < plan.wanted) {
      out.remainder = {
        ...req,
        source: {
          ...req.source,
          offset: plan.from + plan.n,
          length: plan.wanted - plan.n,
          ifMatch: [plan.r.version.etag],
          ifVersion: req.source.ifVersion && [plan.r.version.rowId],
        },
        target: {
          ...req.target,
          offset: at + plan.n,
          ifMatch: [v.etag],
          ifVersion: req.target.ifVersion && [v.rowId],
        },
      };
    }
    return out;
  };
  return whileStale(
    fileKey(req.target.project, req.target.path),
    attempt,
    () =>
      new StorageError('Conflict', 'The source or target kept changing during the copy; try again.', {
        resource: req.target.path,
      }),
  );
}
