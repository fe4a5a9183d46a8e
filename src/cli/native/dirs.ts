// Whether a remote path names a directory, as the verbs ask it: one listing of at most one child.
import { type ApiClient, ApiError } from '../client.ts';
import type { RemotePath } from '../remote.ts';
import { isFatal } from '../transfer/pool.ts';
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
