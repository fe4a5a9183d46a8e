// @ts-check
// The page's fixed elements, how the console makes new ones, its messages and how it writes sizes and times.
import { ApiError, SESSION_KEY, session } from './api.js';

/** Codes with which the server refuses a token: the session is over. */
const SIGNED_OUT = new Set(['Unauthenticated', 'TokenExpired', 'InvalidCredentials']);

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} type
 * @returns {T}
 */
function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`The page has no ${type.name} #${id}.`);
  return el;
}

export const ui = {
  who: byId('who', HTMLElement),
  signOut: byId('sign-out', HTMLButtonElement),
  error: byId('error', HTMLElement),
  notice: byId('notice', HTMLElement),
  signIn: byId('sign-in', HTMLElement),
  signInForm: byId('sign-in-form', HTMLFormElement),
  signInKind: byId('sign-in-kind', HTMLSelectElement),
  signInId: byId('sign-in-id', HTMLInputElement),
  signInIdLabel: byId('sign-in-id-label', HTMLElement),
  signInSecret: byId('sign-in-secret', HTMLInputElement),
  signInSecretLabel: byId('sign-in-secret-label', HTMLElement),
  projects: byId('projects', HTMLElement),
  newProjectForm: byId('new-project-form', HTMLFormElement),
  newProjectName: byId('new-project-name', HTMLInputElement),
  projectRows: byId('project-rows', HTMLElement),
  browser: byId('browser', HTMLElement),
  crumbs: byId('crumbs', HTMLElement),
  tools: byId('tools', HTMLElement),
  mkdirForm: byId('mkdir-form', HTMLFormElement),
  mkdirName: byId('mkdir-name', HTMLInputElement),
  uploadInput: byId('upload-input', HTMLInputElement),
  uploads: byId('uploads', HTMLElement),
  actionForm: byId('action-form', HTMLFormElement),
  actionTitle: byId('action-title', HTMLElement),
  actionTarget: byId('action-target', HTMLElement),
  actionProject: byId('action-project', HTMLSelectElement),
  actionPath: byId('action-path', HTMLInputElement),
  actionSubmit: byId('action-submit', HTMLButtonElement),
  actionCancel: byId('action-cancel', HTMLButtonElement),
  versions: byId('versions', HTMLElement),
  versionsTitle: byId('versions-title', HTMLElement),
  versionRows: byId('version-rows', HTMLElement),
  versionsMore: byId('versions-more', HTMLButtonElement),
  versionsClose: byId('versions-close', HTMLButtonElement),
  restoreForm: byId('restore-form', HTMLFormElement),
  restoreQuestion: byId('restore-question', HTMLElement),
  restoreSubmit: byId('restore-submit', HTMLButtonElement),
  restoreCancel: byId('restore-cancel', HTMLButtonElement),
  snapshotsOpen: byId('snapshots-open', HTMLButtonElement),
  snapshots: byId('snapshots', HTMLElement),
  snapshotsTitle: byId('snapshots-title', HTMLElement),
  snapshotForm: byId('snapshot-form', HTMLFormElement),
  snapshotName: byId('snapshot-name', HTMLInputElement),
  snapshotRows: byId('snapshot-rows', HTMLElement),
  snapshotDeleteForm: byId('snapshot-delete-form', HTMLFormElement),
  snapshotDeleteQuestion: byId('snapshot-delete-question', HTMLElement),
  snapshotDeleteSubmit: byId('snapshot-delete-submit', HTMLButtonElement),
  snapshotDeleteCancel: byId('snapshot-delete-cancel', HTMLButtonElement),
  snapshotsClose: byId('snapshots-close', HTMLButtonElement),
  membersOpen: byId('members-open', HTMLButtonElement),
  members: byId('members', HTMLElement),
  membersTitle: byId('members-title', HTMLElement),
  memberForm: byId('member-form', HTMLFormElement),
  memberName: byId('member-name', HTMLInputElement),
  memberRole: byId('member-role', HTMLSelectElement),
  memberRows: byId('member-rows', HTMLElement),
  memberRemoveForm: byId('member-remove-form', HTMLFormElement),
  memberRemoveQuestion: byId('member-remove-question', HTMLElement),
  memberRemoveSubmit: byId('member-remove-submit', HTMLButtonElement),
  memberRemoveCancel: byId('member-remove-cancel', HTMLButtonElement),
  membersClose: byId('members-close', HTMLButtonElement),
  snapshotBanner: byId('snapshot-banner', HTMLElement),
  snapshotBannerText: byId('snapshot-banner-text', HTMLElement),
  snapshotBack: byId('snapshot-back', HTMLAnchorElement),
  receipt: byId('receipt', HTMLElement),
  receiptTitle: byId('receipt-title', HTMLElement),
  receiptList: byId('receipt-list', HTMLElement),
  entryRows: byId('entry-rows', HTMLElement),
  more: byId('more', HTMLButtonElement),
};

/**
 * Makes an element. Attributes are set with setAttribute and children added as nodes; a string child becomes a
 * text node, so it is never parsed as HTML.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/**
 * @param {string} text
 * @param {() => unknown} onClick
 */
export function button(text, onClick) {
  const b = h('button', { type: 'button' }, text);
  b.addEventListener('click', () => void onClick());
  return b;
}

// ---- drawing the view again

/** @type {() => Promise<void>} */
let drawView = async () => {};

/** Names the function that draws the view the session and the address call for (the views register it). */
export function onRedraw(/** @type {() => Promise<void>} */ draw) {
  drawView = draw;
}

/** Draws the view again, after an action changed what it shows or ended the session. */
export const redraw = () => drawView();

// ---- messages

/** Shows an error with the server's code, message and request id; a refused token ends the session. */
export function showError(/** @type {unknown} */ err) {
  if (err instanceof ApiError && err.status === 401 && SIGNED_OUT.has(err.code) && session()) {
    sessionStorage.removeItem(SESSION_KEY);
    void redraw();
  }
  ui.error.textContent = errorText(err);
  ui.error.hidden = false;
}

/** An error as the console writes it: the server's code, message and request id, where it gave them. */
export const errorText = (/** @type {unknown} */ err) =>
  err instanceof ApiError
    ? `${err.code}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`
    : `Error: ${err instanceof Error ? err.message : String(err)}`;

export function clearMessages() {
  ui.error.hidden = true;
  ui.error.textContent = '';
  ui.notice.textContent = '';
}

/** @param {string} text */
export function notify(text) {
  ui.notice.textContent = text;
}

/**
 * Runs a user's action: clears the last message, shows any error it throws.
 * @param {() => Promise<unknown>} work
 */
export async function act(work) {
  clearMessages();
  try {
    await work();
  } catch (err) {
    showError(err);
  }
}

// ---- formatting

/** @param {number} n */
export function sizeText(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** @param {number} n */
export const bytesText = (n) => `${n.toLocaleString('en-US')} bytes`;

/** @param {string} iso */
export const timeText = (iso) => (iso ? new Date(iso).toLocaleString() : '');
