// @ts-check
// The uploads in parts that this tab began and has not yet completed or aborted, kept in its sessionStorage (with
// the session) so that a stopped one resumes, from its line or when its file is chosen again, after a reload too.
import { session } from './api.js';

const KEY = 'mimeo.console.uploads';

/** @typedef {{ project: string, path: string }} Target */
/**
 * An upload and what its file was when it began: a file of another size or modification time is another file.
 * @typedef {{ user: string, project: string, path: string, uploadId: string, size: number, lastModified: number,
 *   partSize: number }} Kept
 */

/** @returns {Kept[]} every kept upload, of any user */
function all() {
  try {
    const list = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** @param {Kept[]} list */
const store = (list) =>
  list.length === 0 ? sessionStorage.removeItem(KEY) : sessionStorage.setItem(KEY, JSON.stringify(list));

/**
 * @param {Kept} k
 * @param {Target & { user: string }} t
 */
const same = (k, t) => k.user === t.user && k.project === t.project && k.path === t.path;

/** @returns {Kept | undefined} the signed-in user's kept upload to the target's path */
export function keptFor(/** @type {Target} */ target) {
  const user = session()?.name ?? '';
  return all().find((k) => same(k, { ...target, user }));
}

/** Keeps an upload, in place of any other to its path. */
export function keep(/** @type {Kept} */ k) {
  store([...all().filter((o) => !same(o, k)), k]);
}

export function forget(/** @type {Kept} */ k) {
  store(all().filter((o) => !same(o, k)));
}
