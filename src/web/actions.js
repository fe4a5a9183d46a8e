// @ts-check
// Copy, move and delete of an entry, each from the action panel, and the receipt a file's copy gives. At a snapshot
// an entry is only copied, as the snapshot holds it.
import { api, dirUrl, fileUrl, listProjects } from './api.js';
import { bytesText, h, notify, redraw, ui } from './page.js';

/** @typedef {{ type: string, name: string, path: string, size: number, modifiedAt: string }} Entry */
/**
 * @typedef {{ kind: 'copy' | 'move' | 'delete', project: string, entry: Entry, snapshot?: string }} Action a copy
 *   names the snapshot its source is read at, if any
 */
/**
 * @typedef {{ mode: string, bytes: number, source: { project: string, path: string, versionId: string },
 *   target: { project: string, path: string, etag: string, versionId: string | null } }} Receipt
 */

/** @type {Action | null} */
let pending = null;

/** Opens the panel for a copy, a move or a delete, with the projects to choose from. */
export async function openAction(/** @type {Action} */ action) {
  pending = null;
  ui.receipt.hidden = true;
  const { kind, entry } = action;
  const what = entry.type === 'directory' ? `directory ${entry.path}/` : entry.path;
  if (kind === 'delete') {
    ui.actionTitle.textContent = `Delete ${what}?`;
    ui.actionSubmit.textContent = 'Delete';
    ui.actionTarget.hidden = true;
    ui.actionPath.required = false;
  } else {
    const projects = await listProjects();
    ui.actionProject.replaceChildren(...projects.map((p) => h('option', { value: p.name }, p.name)));
    ui.actionProject.value = action.project;
    ui.actionPath.value = entry.path;
    ui.actionPath.required = true;
    ui.actionTitle.textContent =
      action.snapshot === undefined
        ? `${kind === 'copy' ? 'Copy' : 'Move'} ${what} to`
        : `Copy ${what} as the snapshot holds it to`;
    ui.actionSubmit.textContent = kind === 'copy' ? 'Copy' : 'Move';
    ui.actionTarget.hidden = false;
  }
  pending = action;
  ui.actionForm.hidden = false;
  (kind === 'delete' ? ui.actionSubmit : ui.actionPath).focus();
}

export function closeAction() {
  pending = null;
  ui.actionForm.hidden = true;
}

/** Carries out the pending action; the listing is drawn again after it. */
export async function runAction() {
  const action = pending;
  if (!action) return;
  const { kind, project, entry, snapshot } = action;
  // At a snapshot a directory is named with its '/': the server then copies the tree it held, whatever is there now.
  const source =
    snapshot === undefined
      ? { project, path: entry.path }
      : { project, path: entry.type === 'directory' ? `${entry.path}/` : entry.path, snapshot };
  const target = { project: ui.actionProject.value, path: ui.actionPath.value };
  if (kind === 'delete') {
    const url = entry.type === 'directory' ? dirUrl(project, entry.path) : fileUrl(project, entry.path);
    await api('DELETE', url);
    closeAction();
    notify(`Deleted ${project}/${entry.path}.`);
  } else if (kind === 'move') {
    const moved = await (await api('POST', '/api/v1/move', { source, target })).json();
    closeAction();
    notify(`Moved ${project}/${entry.path} to ${moved.project}/${moved.path}.`);
  } else {
    const r = await api('POST', '/api/v1/copy', { source, target });
    const body = await r.json();
    closeAction();
    if (r.status === 202) notify(`Copying the tree as job ${body.job.id} (${body.job.state}).`);
    else showReceipt(body, 'Copy receipt');
  }
  await redraw();
}

/**
 * Shows what a copy did, as the server's receipt says it.
 * @param {Receipt} receipt
 * @param {string} title
 */
export function showReceipt(receipt, title) {
  const mode =
    receipt.mode === 'reference'
      ? 'reference: metadata only, no bytes were read or written'
      : `${receipt.mode}: the bytes were copied between block stores`;
  /** @type {[string, string | null][]} */
  const rows = [
    ['Mode', mode],
    ['Bytes', bytesText(receipt.bytes)],
    ['From', `${receipt.source.project}/${receipt.source.path}`],
    ['From version', receipt.source.versionId === 'null' ? null : receipt.source.versionId],
    ['To', `${receipt.target.project}/${receipt.target.path}`],
    ['ETag', receipt.target.etag],
    ['Version', receipt.target.versionId],
  ];
  ui.receiptTitle.textContent = title;
  ui.receiptList.replaceChildren(
    ...rows.flatMap(([k, v]) => (v === null || v === '' ? [] : [h('dt', {}, k), h('dd', {}, v)])),
  );
  ui.receipt.hidden = false;
}
