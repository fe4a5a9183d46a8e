// Runs a core test suite once per MetaStore, each with a fresh core, and small helpers for its tests.
import { describe } from 'node:test';
import { rootPrincipal } from '../../src/auth/principals.ts';
import type { Limits } from '../../src/config/config.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { type ErrorCode, isStorageError } from '../../src/core/errors.ts';
import type { Principal } from '../../src/core/model.ts';
import { createProject } from '../../src/core/projects.ts';
import { openRead } from '../../src/core/read.ts';
import { putFile } from '../../src/core/write.ts';
import { body, collect } from './data.ts';
import { META_KINDS, openTestCore, type StoreKind, type TestCore } from './stores.ts';

export const root: Principal = rootPrincipal();

export function forEachStore(
  title: string,
  fn: (get: () => TestCore, kind: StoreKind) => void,
  options: { limits?: Partial<Limits>; extra?: Partial<CoreDeps> } = {},
): void {
  for (const kind of META_KINDS) {
    describe(`${title} [${kind.name}]`, { skip: kind.skip }, async () => {
      let core: TestCore | undefined;
      const { before, after } = await import('node:test');
      before(async () => {
        core = await openTestCore(kind, options.limits, options.extra);
      });
      after(async () => core?.close());
      fn(() => core!, kind);
    });
  }
}

let counter = 0;
/** A fresh project name. */
export const projectName = (tag = 'p') => `${tag}-${process.pid}-${++counter}`;

export async function newProject(
  deps: CoreDeps,
  opts: { versioning?: 'off' | 'enabled'; dataClass?: 'open' | 'controlled' } = {},
): Promise<string> {
  const name = projectName();
  await createProject(deps, root, { name, ...opts });
  return name;
}

export async function put(
  deps: CoreDeps,
  project: string,
  path: string,
  data: Buffer,
  principal: Principal = root,
) {
  return putFile(deps, principal, { project, path, body: body(data, 7_000) });
}

export async function read(
  deps: CoreDeps,
  project: string,
  path: string,
  extra: Record<string, unknown> = {},
): Promise<Buffer> {
  const r = await openRead(deps, root, { project, path, ...extra });
  return collect(r.body);
}

/** Asserts a promise rejects with a StorageError of `code`. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const { rejects } = await import('node:assert/strict');
  await rejects(p, (err: unknown) => {
    if (isStorageError(err, code)) return true;
    throw new Error(`expected ${code}, got ${isStorageError(err) ? err.code : String(err)}`);
  });
}

/** Counts rows of a table, for proving what an operation did and did not write. */
export async function count(
  deps: CoreDeps,
  table: 'blocks' | 'manifests' | 'extents' | 'versions' | 'files',
): Promise<number> {
  const r = await deps.meta.tx((tx) => tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`), {
    readOnly: true,
  });
  return Number(r?.n ?? 0);
}
