// @ts-check
// The views the address names (#/PROJECT/PATH): sign-in, the list of projects, and a directory of a project, as it
// is or, read only, as a snapshot holds it (#/PROJECT/PATH?snapshot=ID).
import { closeAction, openAction } from './actions.js';
import { api, dirUrl, listProjects, seg, segs, session } from './api.js';
import { closeMembers, openMembers } from './members.js';
import { act, button, bytesText, h, showError, sizeText, timeText, ui } from './page.js';
import { closeSnapshots, listSnapshots, openSnapshots } from './snapshots.js';
import { download } from './transfers.js';
import { closeVersions, openVersions } from './versions.js';

/** @typedef {import('./actions.js').Entry} Entry */
/** @typedef {{ project: string, path: string, snapshot?: string }} Place the snapshot's id, when read at one */

/** Entries asked for per page of a directory listing. */
const PAGE = 1000;

// ---- where the console is: #/PROJECT/PATH, each segment encoded as in the API's URLs, and ?snapshot=ID

/** @param {string} s */
function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** @returns {Place | null} the directory the address names, or null for the list of projects */
export function place() {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const parts = (q === -1 ? hash : hash.slice(0, q)).split('/').map(decode);
  const project = parts[0] ?? '';
  if (project === '') return null;
  /** @type {Place} */
  const at = {
    project,
    path: parts
      .slice(1)
      .filter((s) => s !== '')
      .join('/'),
  };
  const snapshot = q === -1 ? null : new URLSearchParams(hash.slice(q + 1)).get('snapshot');
  if (snapshot) at.snapshot = snapshot;
  return at;
}

/**
 * @param {string} project
 * @param {string} path
 * @param {string} [snapshot] its id, to read the directory as it holds it
 */
const hashOf = (project, path, snapshot) =>
  `#/${seg(project)}${path === '' ? '' : `/${segs(path)}`}` +
  (snapshot === undefined ? '' : `?${new URLSearchParams({ snapshot })}`);

// ---- views

/** Bumped by every render, so that a slower, older one does not draw over a newer one. */
let generation = 0;

/** @param {HTMLElement} section */
function showOnly(section) {
  for (const s of [ui.signIn, ui.projects, ui.browser]) s.hidden = s !== section;
}

/** Draws the view the session and the address call for. */
export async function render() {
  const gen = ++generation;
  const s = session();
  ui.who.hidden = ui.signOut.hidden = !s;
  if (!s) {
    ui.who.textContent = '';
    showOnly(ui.signIn);
    return;
  }
  ui.who.textContent = `Signed in as ${s.name}`;
  const at = place();
  try {
    if (at === null) await renderProjects(gen);
    else await renderDirectory(gen, at);
  } catch (err) {
    if (gen === generation) showError(err);
  }
}

/** @param {number} gen */
async function renderProjects(gen) {
  showOnly(ui.projects);
  ui.projectRows.replaceChildren();
  const projects = await listProjects();
  if (gen !== generation) return;
  ui.projectRows.replaceChildren(
    ...projects.map((p) =>
      h(
        'tr',
        {},
        h('td', { class: 'name' }, h('a', { href: hashOf(p.name, '') }, p.name)),
        h('td', {}, p.versioning),
        h('td', {}, p.dataClass),
        h('td', {}, timeText(p.createdAt)),
      ),
    ),
  );
  if (projects.length === 0)
    ui.projectRows.append(h('tr', {}, h('td', { colspan: '4' }, 'No projects yet.')));
}

/** @param {Place} at */
function drawCrumbs(at) {
  const items = [h('li', {}, h('a', { href: '#/' }, 'Projects'))];
  items.push(h('li', {}, h('a', { href: hashOf(at.project, '', at.snapshot) }, at.project)));
  const parts = at.path === '' ? [] : at.path.split('/');
  parts.forEach((name, i) => {
    const last = i === parts.length - 1;
    const target = parts.slice(0, i + 1).join('/');
    items.push(
      h(
        'li',
        {},
        last
          ? h('span', { 'aria-current': 'page' }, name)
          : h('a', { href: hashOf(at.project, target, at.snapshot) }, name),
      ),
    );
  });
  ui.crumbs.replaceChildren(...items);
}

/**
 * @param {number} gen
 * @param {Place} at
 */
async function renderDirectory(gen, at) {
  showOnly(ui.browser);
  drawCrumbs(at);
  ui.entryRows.replaceChildren();
  ui.more.hidden = true;
  // At a snapshot nothing is changed: no tools, no actions on the entries but a file's download and a copy out of
  // it, and a banner that leads back.
  ui.tools.hidden = at.snapshot !== undefined;
  ui.snapshotBanner.hidden = at.snapshot === undefined;
  ui.snapshotsOpen.onclick = () =>
    void act(() => {
      closeAction();
      closeVersions();
      closeMembers();
      ui.receipt.hidden = true;
      return openSnapshots(at.project, (s) => hashOf(at.project, s.dir ?? '', s.id));
    });
  ui.membersOpen.onclick = () =>
    void act(() => {
      closeAction();
      closeVersions();
      closeSnapshots();
      ui.receipt.hidden = true;
      return openMembers(at.project);
    });
  if (at.snapshot !== undefined) {
    const id = at.snapshot;
    ui.snapshotBannerText.textContent = `Snapshot ${id}, read only`;
    ui.snapshotBack.href = hashOf(at.project, at.path);
    const [snapshots] = await Promise.all([listSnapshots(at.project), loadEntries(gen, at, undefined)]);
    if (gen !== generation) return;
    const name = snapshots.find((s) => s.id === id)?.name ?? id;
    ui.snapshotBannerText.textContent = `Snapshot ${name}, read only`;
    return;
  }
  await loadEntries(gen, at, undefined);
}

/**
 * Appends one page of the directory's entries; a further page is behind the Load more button.
 * @param {number} gen
 * @param {Place} at
 * @param {string | undefined} after
 */
async function loadEntries(gen, at, after) {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (after !== undefined) query.set('after', after);
  if (at.snapshot !== undefined) query.set('snapshot', at.snapshot);
  const r = await api('GET', `${dirUrl(at.project, at.path)}?${query}`);
  /** @type {{ entries: Entry[], next: string | null }} */
  const page = await r.json();
  if (gen !== generation) return;
  ui.entryRows.append(...page.entries.map((e) => entryRow(at, e)));
  if (after === undefined && page.entries.length === 0)
    ui.entryRows.append(h('tr', {}, h('td', { colspan: '4' }, 'This directory is empty.')));
  const next = page.next;
  ui.more.hidden = next === null;
  ui.more.onclick = next === null ? null : () => void act(() => loadEntries(gen, at, next));
}

/**
 * A row of the listing, with the entry's actions (at a snapshot, a file's download and an entry's copy only). One
 * panel is open at a time: the action panel's, the versions', the snapshots' or the members'.
 * @param {Place} at
 * @param {Entry} e
 */
function entryRow(at, e) {
  const isDir = e.type === 'directory';
  const name = isDir
    ? h('a', { href: hashOf(at.project, e.path, at.snapshot) }, `${e.name}/`)
    : h('span', {}, e.name);
  const size = isDir
    ? h('td', { class: 'size' }, '')
    : h('td', { class: 'size', title: bytesText(e.size) }, sizeText(e.size));
  /** @param {'copy' | 'move' | 'delete'} kind */
  const opener = (kind) => () =>
    act(() => {
      closeVersions();
      closeSnapshots();
      closeMembers();
      return openAction({ kind, project: at.project, entry: e });
    });
  const actions = h('td', { class: 'actions' });
  // At a snapshot an entry is only read, as the snapshot holds it: a file downloaded, a file or a directory copied.
  if (at.snapshot !== undefined) {
    const snapshot = at.snapshot;
    if (!isDir) {
      const file = { project: at.project, path: e.path, snapshot };
      actions.append(button('Download', () => act(() => download(file, e.name))));
    }
    actions.append(
      button('Copy', () =>
        act(() => {
          closeVersions();
          closeSnapshots();
          closeMembers();
          return openAction({ kind: 'copy', project: at.project, entry: e, snapshot });
        }),
      ),
    );
  }
  if (!isDir && at.snapshot === undefined) {
    const file = { project: at.project, path: e.path };
    actions.append(
      button('Download', () => act(() => download(file, e.name))),
      button('Versions', () =>
        act(() => {
          closeSnapshots();
          closeMembers();
          return openVersions(file);
        }),
      ),
    );
  }
  if (at.snapshot === undefined)
    actions.append(
      button('Copy', opener('copy')),
      button('Move', opener('move')),
      button('Delete', opener('delete')),
    );
  const row = h(
    'tr',
    {},
    h('td', { class: 'name' }, name),
    size,
    h('td', {}, timeText(e.modifiedAt)),
    actions,
  );
  row.dataset['path'] = e.path;
  return row;
}

/** Closes the panels: the action panel, the versions, the snapshots, the members and the last receipt. */
export function closePanels() {
  closeAction();
  closeVersions();
  closeSnapshots();
  closeMembers();
  ui.receipt.hidden = true;
}
