// @ts-check
// A file's versions, newest first (GET /api/v1/projects/{project}/versions): each one downloaded through a download
// link, and an older one restored, after a confirmation, by the server's copy of it onto the file's own path.
import { closeAction, showReceipt } from './actions.js';
import { api, projectUrl } from './api.js';
import { act, button, bytesText, h, notify, redraw, sizeText, timeText, ui } from './page.js';
import { download } from './transfers.js';

/** @typedef {{ project: string, path: string }} File */
/**
 * @typedef {{ path: string, versionId: string, size: number, isLatest: boolean, deleteMarker: boolean,
 *   modifiedAt: string, modifiedBy: string }} Version
 */

/** Versions asked for per page. */
const PAGE = 100;

/** @type {File | null} the file whose versions the panel lists */
let shown = null;
/** @type {Version | null} the version whose restore waits for a confirmation */
let restoring = null;
/** Bumped by every listing, so that a slower page of an earlier one is not drawn. */
let generation = 0;

/** Opens the panel on a file's versions, from the newest. */
export async function openVersions(/** @type {File} */ file) {
  closeAction();
  ui.receipt.hidden = true;
  ui.versionsTitle.textContent = `Versions of ${file.path}`;
  ui.versions.hidden = false;
  ui.versionsTitle.focus();
  await list(file);
}

export function closeVersions() {
  generation++;
  shown = null;
  closeRestore();
  ui.versions.hidden = true;
  ui.versionRows.replaceChildren();
  ui.versionsMore.hidden = true;
}

/** Lists the file's versions again from the first page. */
async function list(/** @type {File} */ file) {
  const gen = ++generation;
  shown = file;
  closeRestore();
  ui.versionRows.replaceChildren();
  ui.versionsMore.hidden = true;
  await loadVersions(gen, file, undefined);
}

/**
 * Appends one page of the file's versions; a further page is behind the panel's Load more button.
 * @param {number} gen
 * @param {File} file
 * @param {string | undefined} after
 */
async function loadVersions(gen, file, after) {
  const query = new URLSearchParams({ prefix: file.path, limit: String(PAGE) });
  if (after !== undefined) query.set('after', after);
  const r = await api('GET', `${projectUrl(file.project)}/versions?${query}`);
  /** @type {{ versions: Version[], next: string | null }} */
  const page = await r.json();
  if (gen !== generation) return;
  // The listing is by prefix, paths in byte order: this file's versions come first, and a longer path ends them.
  const mine = page.versions.filter((v) => v.path === file.path);
  const next = mine.length < page.versions.length ? null : page.next;
  ui.versionRows.append(...mine.map((v) => versionRow(file, v)));
  if (after === undefined && mine.length === 0)
    ui.versionRows.append(h('tr', {}, h('td', { colspan: '6' }, 'No version of this file is kept.')));
  ui.versionsMore.hidden = next === null;
  ui.versionsMore.onclick = next === null ? null : () => void act(() => loadVersions(gen, file, next));
}

/**
 * @param {File} file
 * @param {Version} v
 */
function versionRow(file, v) {
  const state = [v.isLatest ? 'current' : '', v.deleteMarker ? 'delete marker' : ''].filter((s) => s !== '');
  const size = v.deleteMarker
    ? h('td', { class: 'size' }, '')
    : h('td', { class: 'size', title: bytesText(v.size) }, sizeText(v.size));
  const actions = h('td', { class: 'actions' });
  if (!v.deleteMarker) {
    const what = `${file.path}, version ${v.versionId}`;
    actions.append(button('Download', () => act(() => download({ ...file, versionId: v.versionId }, what))));
    if (!v.isLatest) actions.append(button('Restore', () => askRestore(file, v)));
  }
  const row = h(
    'tr',
    {},
    h('td', { class: 'version' }, v.versionId),
    size,
    h('td', {}, timeText(v.modifiedAt)),
    h('td', {}, v.modifiedBy),
    h('td', {}, state.join(', ')),
    actions,
  );
  row.dataset['versionId'] = v.versionId;
  return row;
}

/**
 * @param {File} file
 * @param {Version} v
 */
function askRestore(file, v) {
  restoring = v;
  ui.restoreQuestion.textContent =
    `Make version ${v.versionId} (${bytesText(v.size)}, ${timeText(v.modifiedAt)}) ` +
    `the current version of ${file.project}/${file.path}?`;
  ui.restoreForm.hidden = false;
  ui.restoreSubmit.focus();
}

export function closeRestore() {
  restoring = null;
  ui.restoreForm.hidden = true;
}

/**
 * Restores the version waiting for it: the server copies that version onto the file's path (by reference, where the
 * blocks can be shared), which makes a new current version with its bytes. Shows the copy's receipt.
 */
export async function runRestore() {
  const file = shown;
  const v = restoring;
  if (!file || !v) return;
  const r = await api('POST', '/api/v1/copy', {
    source: { project: file.project, path: file.path, versionId: v.versionId },
    target: { project: file.project, path: file.path },
    conflict: 'overwrite',
  });
  /** @type {import('./actions.js').Receipt} */
  const receipt = await r.json();
  closeRestore();
  showReceipt(receipt, 'Restore receipt');
  notify(`Restored version ${v.versionId} of ${file.project}/${file.path} as its current version.`);
  await redraw();
  await list(file);
}
