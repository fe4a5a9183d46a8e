// Named streams of a file: listed, made empty and removed, each change as a new version of the file.
import type { Tx } from '../meta/meta-store.ts';
import { commitVersion, type VersionDraft } from './commit.ts';
import type { Conditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal, VersionInfo } from './model.ts';
import { validatePath, validateStreamName } from './paths.ts';
import { requireProject } from './permissions.ts';
import { createManifest } from './repo/manifests.ts';
import { resolveVersion } from './resolve.ts';
import { carry } from './write.ts';

export interface StreamInfo {
  name: string;
  size: number;
}

/** Byte order of the names' UTF-8, as paths sort. */
const byName = (a: StreamInfo, b: StreamInfo) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));

/**
 * The named streams (not the default one) of a file's current version, or of its version in a snapshot, by name.
 * Throws as a read of the file does (NoSuchKey, NoSuchSnapshot, AccessDenied...).
 */
export function listStreams(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; snapshot?: string },
): Promise<StreamInfo[]> {
  return deps.meta.tx(
    async (tx) => {
      const { version } = await resolveVersion(tx, { principal, need: 'read-object' }, input);
      return Object.entries(version.streams)
        .filter(([name]) => name !== '')
        .map(([name, s]) => ({ name, size: Number(s.size) }))
        .sort(byName);
    },
    { readOnly: true },
  );
}

interface StreamChange {
  project: string;
  path: string;
  name: string;
  /** On the file's current version, checked in the commit's transaction. */
  conditions?: Conditions;
}

/**
 * Commits a new version of an existing file whose streams are the current one's, changed by `change`; every other
 * attribute is kept, the default stream's ETag too. Needs the write role: the new version carries the old bytes.
 */
async function changeStreams(
  deps: CoreDeps,
  principal: Principal,
  input: StreamChange,
  change: (c: { draft: VersionDraft; current: VersionInfo; tx: Tx; now: number }) => Promise<void> | void,
): Promise<VersionInfo> {
  validatePath(input.path);
  validateStreamName(input.name);
  return deps.meta.tx(async (tx) => {
    const project = await requireProject(tx, { principal, need: 'write' }, input.project);
    const now = nowOf(deps);
    return commitVersion(tx, {
      deps,
      project,
      path: input.path,
      principalId: principal.id,
      now,
      conditions: input.conditions,
      conflict: 'overwrite',
      build: async (current) => {
        if (!current)
          throw new StorageError('NoSuchKey', `No file exists at '${input.path}'.`, { resource: input.path });
        const draft = carry(current);
        await change({ draft, current, tx, now });
        return draft;
      },
    });
  });
}

/** Adds an empty named stream to a file, as a new version. Throws Conflict when it has one of that name. */
export function createStream(
  deps: CoreDeps,
  principal: Principal,
  input: StreamChange,
): Promise<VersionInfo> {
  return changeStreams(deps, principal, input, async ({ draft, current, tx, now }) => {
    if (Object.hasOwn(current.streams, input.name))
      throw new StorageError('Conflict', `The stream '${input.name}' already exists.`, {
        resource: input.name,
      });
    // A manifest with no extent: no block to share, no key to add.
    draft.streams[input.name] = await createManifest(tx, { size: 0, extents: [], now });
  });
}

/** Removes a named stream from a file, as a new version. Throws NoSuchStream when it has none of that name. */
export function deleteStream(
  deps: CoreDeps,
  principal: Principal,
  input: StreamChange,
): Promise<VersionInfo> {
  return changeStreams(deps, principal, input, ({ draft, current }) => {
    if (!Object.hasOwn(current.streams, input.name))
      throw new StorageError('NoSuchStream', `The stream '${input.name}' does not exist.`, {
        resource: input.name,
      });
    delete draft.streams[input.name];
  });
}
