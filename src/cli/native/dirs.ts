// Whether a remote path names a directory, as the verbs ask it: one listing of at most one child; and a directory
// made, or found again, by its entry id.
import { type ApiClient, ApiError, replyJson, seg } from '../client.ts';
import type { RemotePath } from '../remote.ts';
import { isFatal } from '../transfer/pool.ts';
import type { EntryJson } from './entries.ts';
import { query } from './pages.ts';
import { dirUrl } from './urls.ts';

/**
 * Checks that a path names a directory (a project's top always does), as a shell's `file/` is "Not a directory": the
 * server's error (NotADirectory for a file there, NoSuchDirectory for nothing) is thrown otherwise.
 */
export async function requireDirectory(api: ApiClient, at: RemotePath, snapshot?: string): Promise<void> {
  if (at.path === '') return;
  await api.call('GET', `${dirUrl(at.project, at.path)}${query({ limit: 1, snapshot })}`);
}

/** Whether the remote path names a directory that exists (the server's errors for the project are thrown). */
export async function remoteIsDir(api: ApiClient, at: RemotePath): Promise<boolean> {
  try {
    await requireDirectory(api, at);
    return true;
  } catch (err) {
    if (isFatal(err)) throw err;
    return false;
  }
}

/**
 * True when what a verb sends may go into `at` as a directory: one is there, or nothing is (it is made). A file
 * there is NotADirectory, as a shell's `file/`: it would go into a directory of the same name beside the file.
 */
export async function intoDirectory(api: ApiClient, at: RemotePath): Promise<true> {
  try {
    await requireDirectory(api, at);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'NoSuchDirectory')) throw err;
  }
  return true;
}

/**
 * Makes the directory at `at` with its parents (one already there is no error): its entry id, and whether this call
 * made it (201) rather than found it there (200).
 */
export async function makeDirectory(api: ApiClient, at: RemotePath): Promise<{ id: string; made: boolean }> {
  const res = await api.raw({
    method: 'PUT',
    path: `${dirUrl(at.project, at.path)}${query({ parents: 'true' })}`,
  });
  const made = res.statusCode === 201;
  return { id: ((await replyJson(res)) as EntryJson).id, made };
}

/**
 * Whether the directory of entry id `id` is the one at `at` now: false when it was removed, moved or is a file now
 * (ids are never reused, so a directory made anew at the path is another one). Other errors are thrown.
 */
export async function isDirectoryOf(api: ApiClient, at: RemotePath, id: string): Promise<boolean> {
  try {
    const e = await api.call<EntryJson>('GET', `/api/v1/entries/${seg(id)}`);
    return e.type === 'directory' && e.project === at.project && e.path === at.path;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}
