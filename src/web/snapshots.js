// @ts-check
// A project's snapshots (GET /api/v1/projects/{project}/snapshots), newest first: take one, delete one after a
// confirmation, and browse the project's files as one holds them (the directory view, read only, at that snapshot).
import { api, projectUrl, seg } from './api.js';
import { h, notify, timeText, ui } from './page.js';

/**
 * @typedef {{ id: string, number: number, name: string, dir: string | null, createdAt: string,
 *   expiresAt: string | null }} Snapshot
 */
/** @typedef {(s: Snapshot) => string} HrefOf the address that browses a snapshot */

/** @type {{ project: string, hrefOf: HrefOf } | null} the project whose snapshots the panel lists */
let shown = null;
/** @type {Snapshot | null} the snapshot whose delete waits for a confirmation */
let deleting = null;
/** Bumped by every listing, so that a slower, earlier one is not drawn. */
let generation = 0;

/** @returns {Promise<Snapshot[]>} the project's snapshots, oldest first, as the server lists them */
export async function listSnapshots(/** @type {string} */ project) {
  const r = await api('GET', `${projectUrl(project)}/snapshots`);
  return (await r.json()).snapshots;
}

/**
 * Opens the panel on a project's snapshots.
 * @param {string} project
 * @param {HrefOf} hrefOf
 */
export async function openSnapshots(project, hrefOf) {
  ui.snapshotsTitle.textContent = `Snapshots of ${project}`;
  ui.snapshotName.value = '';
  ui.snapshots.hidden = false;
  ui.snapshotsTitle.focus();
  shown = { project, hrefOf };
  await list();
}

export function closeSnapshots() {
  generation++;
  shown = null;
  closeDelete();
  ui.snapshots.hidden = true;
  ui.snapshotRows.replaceChildren();
}

/** Lists the shown project's snapshots again. */
async function list() {
  const at = shown;
  if (!at) return;
  const gen = ++generation;
  closeDelete();
  const snapshots = await listSnapshots(at.project);
  if (gen !== generation) return;
  ui.snapshotRows.replaceChildren(...snapshots.reverse().map((s) => snapshotRow(at.hrefOf, s)));
  if (snapshots.length === 0)
    ui.snapshotRows.append(h('tr', {}, h('td', { colspan: '5' }, 'This project has no snapshots.')));
}

/**
 * @param {HrefOf} hrefOf
 * @param {Snapshot} s
 */
function snapshotRow(hrefOf, s) {
  const remove = h('button', { type: 'button' }, 'Delete');
  remove.addEventListener('click', () => askDelete(s));
  const row = h(
    'tr',
    {},
    h('td', { class: 'name' }, s.name),
    h('td', {}, timeText(s.createdAt)),
    h('td', {}, s.expiresAt === null ? 'never' : timeText(s.expiresAt)),
    h('td', { class: 'name' }, s.dir === null ? 'the whole project' : `${s.dir}/`),
    h('td', { class: 'actions' }, h('a', { href: hrefOf(s) }, 'Browse'), ' ', remove),
  );
  row.dataset['snapshotId'] = s.id;
  return row;
}

/** Takes a snapshot of the shown project, under the name typed if any (else the server names it). */
export async function takeSnapshot() {
  const at = shown;
  if (!at) return;
  const name = ui.snapshotName.value.trim();
  const r = await api('POST', `${projectUrl(at.project)}/snapshots`, name === '' ? {} : { name });
  /** @type {Snapshot} */
  const s = await r.json();
  ui.snapshotName.value = '';
  notify(`Took snapshot ${s.name} of ${at.project}.`);
  await list();
}

function askDelete(/** @type {Snapshot} */ s) {
  if (!shown) return;
  deleting = s;
  ui.snapshotDeleteQuestion.textContent =
    `Delete snapshot ${s.name} of ${shown.project}, taken ${timeText(s.createdAt)}? ` +
    'The files as it holds them can no longer be read through it.';
  ui.snapshotDeleteForm.hidden = false;
  ui.snapshotDeleteSubmit.focus();
}

export function closeDelete() {
  deleting = null;
  ui.snapshotDeleteForm.hidden = true;
}

/** Deletes the snapshot waiting for it; the project's files as they are now stay as they are. */
export async function runDelete() {
  const at = shown;
  const s = deleting;
  if (!at || !s) return;
  await api('DELETE', `${projectUrl(at.project)}/snapshots/${seg(s.id)}`);
  notify(`Deleted snapshot ${s.name} of ${at.project}.`);
  await list();
}
