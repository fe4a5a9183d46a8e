// @ts-check
// The mimeo web console: sign in, projects, directories and files, over the native JSON API at /api/v1.
// User data reaches the page only as text nodes and attribute values set through the DOM, never as HTML.

/** @typedef {{ token: string, name: string }} Session */
/** @typedef {{ type: string, name: string, path: string, size: number, modifiedAt: string }} Entry */
/** @typedef {{ name: string, versioning: string, dataClass: string, createdAt: string }} Project */
/** @typedef {{ project: string, path: string }} Place */
/** @typedef {{ kind: 'copy' | 'move' | 'delete', project: string, entry: Entry }} Action */

const SESSION_KEY = 'mimeo.console.session';
/** Entries asked for per page of a directory listing. */
const PAGE = 1000;
/** Codes with which the server refuses a token: the session is over. */
const SIGNED_OUT = new Set(['Unauthenticated', 'TokenExpired', 'InvalidCredentials']);

/** A native API error: the server's code, message and request id, or the status where it sent no error body. */
class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | undefined} requestId
   */
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

// ---- the page's fixed elements

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

const ui = {
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
  receipt: byId('receipt', HTMLElement),
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
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/**
 * @param {string} text
 * @param {() => unknown} onClick
 */
function button(text, onClick) {
  const b = h('button', { type: 'button' }, text);
  b.addEventListener('click', () => void onClick());
  return b;
}

// ---- URLs, as the native API reads them

/** One path segment, percent-encoded ('.' and '..' too, as the mimeo CLI sends them). */
const seg = (/** @type {string} */ s) => (s === '.' ? '%2E' : s === '..' ? '%2E%2E' : encodeURIComponent(s));
/** A path of several segments, each encoded, its slashes kept. */
const segs = (/** @type {string} */ p) => p.split('/').map(seg).join('/');
const projectUrl = (/** @type {string} */ project) => `/api/v1/projects/${seg(project)}`;
const fileUrl = (/** @type {string} */ project, /** @type {string} */ path) =>
  `${projectUrl(project)}/files/${segs(path)}`;
/** A directory's URL; '' is the project's top. */
const dirUrl = (/** @type {string} */ project, /** @type {string} */ path) =>
  path === '' ? `${projectUrl(project)}/dirs` : `${projectUrl(project)}/dirs/${segs(path)}`;
const join = (/** @type {string} */ dir, /** @type {string} */ name) =>
  dir === '' ? name : `${dir}/${name}`;

// ---- where the console is: #/PROJECT/PATH, each segment encoded as in the API's URLs

/** @param {string} s */
function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** @returns {Place | null} the directory the address names, or null for the list of projects */
function place() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decode);
  const project = parts[0] ?? '';
  if (project === '') return null;
  return {
    project,
    path: parts
      .slice(1)
      .filter((s) => s !== '')
      .join('/'),
  };
}

/**
 * @param {string} project
 * @param {string} path
 */
const hashOf = (project, path) => `#/${seg(project)}${path === '' ? '' : `/${segs(path)}`}`;

// ---- the session and the API

/** @returns {Session | null} */
function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return s && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

/**
 * The error a refused request carries: the native body `{error: {code, message, requestId}}`, or the status.
 * @param {{ status: number, statusText: string }} r
 * @param {string} text the response body
 */
function errorOf(r, text) {
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const e = body?.error;
  if (e && typeof e.code === 'string')
    return new ApiError(r.status, e.code, String(e.message ?? ''), e.requestId ?? undefined);
  return new ApiError(r.status, `HTTP ${r.status}`, r.statusText || 'The server gave no reason.', undefined);
}

/**
 * Sends one request with the session's token. Resolves with the response when it is a success; rejects with an
 * ApiError otherwise (a network failure as code NetworkError).
 * @param {string} method
 * @param {string} url
 * @param {unknown} [json] a body, sent as JSON
 */
async function api(method, url, json) {
  const s = session();
  if (!s) throw new ApiError(401, 'Unauthenticated', 'Sign in first.', undefined);
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${s.token}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  /** @type {Response} */
  let r;
  try {
    r = await fetch(url, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'The server could not be reached.', undefined);
  }
  if (!r.ok) throw errorOf(r, await r.text());
  return r;
}

// ---- messages

/** Shows an error with the server's code and message; a refused token ends the session. */
function showError(/** @type {unknown} */ err) {
  if (err instanceof ApiError && err.status === 401 && SIGNED_OUT.has(err.code) && session()) {
    sessionStorage.removeItem(SESSION_KEY);
    void render();
  }
  const text =
    err instanceof ApiError
      ? `${err.code}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`
      : `Error: ${err instanceof Error ? err.message : String(err)}`;
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearMessages() {
  ui.error.hidden = true;
  ui.error.textContent = '';
  ui.notice.textContent = '';
}

/** @param {string} text */
function notify(text) {
  ui.notice.textContent = text;
}

/**
 * Runs a user's action: clears the last message, shows any error it throws.
 * @param {() => Promise<unknown>} work
 */
async function act(work) {
  clearMessages();
  try {
    await work();
  } catch (err) {
    showError(err);
  }
}

// ---- formatting

/** @param {number} n */
function sizeText(n) {
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
const bytesText = (n) => `${n.toLocaleString('en-US')} bytes`;

/** @param {string} iso */
const timeText = (iso) => (iso ? new Date(iso).toLocaleString() : '');

// ---- views

/** Bumped by every render, so that a slower, older one does not draw over a newer one. */
let generation = 0;

/** @param {HTMLElement} section */
function showOnly(section) {
  for (const s of [ui.signIn, ui.projects, ui.browser]) s.hidden = s !== section;
}

/** Draws the view the session and the address call for. */
async function render() {
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

/** @returns {Promise<Project[]>} */
async function listProjects() {
  const r = await api('GET', '/api/v1/projects');
  return (await r.json()).projects;
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
  items.push(h('li', {}, h('a', { href: hashOf(at.project, '') }, at.project)));
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
          : h('a', { href: hashOf(at.project, target) }, name),
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
 * @param {Place} at
 * @param {Entry} e
 */
function entryRow(at, e) {
  const isDir = e.type === 'directory';
  const name = isDir ? h('a', { href: hashOf(at.project, e.path) }, `${e.name}/`) : h('span', {}, e.name);
  const size = isDir
    ? h('td', { class: 'size' }, '')
    : h('td', { class: 'size', title: bytesText(e.size) }, sizeText(e.size));
  const actions = h('td', { class: 'actions' });
  if (!isDir) actions.append(button('Download', () => act(() => download(at.project, e))));
  actions.append(
    button('Copy', () => act(() => openAction({ kind: 'copy', project: at.project, entry: e }))),
    button('Move', () => act(() => openAction({ kind: 'move', project: at.project, entry: e }))),
    button('Delete', () => act(() => openAction({ kind: 'delete', project: at.project, entry: e }))),
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

// ---- actions on an entry

/** @type {Action | null} */
let pending = null;

/** Opens the panel for a copy, a move or a delete, with the projects to choose from. */
async function openAction(/** @type {Action} */ action) {
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
    ui.actionTitle.textContent = `${kind === 'copy' ? 'Copy' : 'Move'} ${what} to`;
    ui.actionSubmit.textContent = kind === 'copy' ? 'Copy' : 'Move';
    ui.actionTarget.hidden = false;
  }
  pending = action;
  ui.actionForm.hidden = false;
  (kind === 'delete' ? ui.actionSubmit : ui.actionPath).focus();
}

function closeAction() {
  pending = null;
  ui.actionForm.hidden = true;
}

/** Carries out the pending action; the listing is drawn again after it. */
async function runAction() {
  const action = pending;
  if (!action) return;
  const { kind, project, entry } = action;
  const source = { project, path: entry.path };
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
    else showReceipt(body);
  }
  await render();
}

/**
 * Shows what a copy did, as the server's receipt says it.
 * @param {{ mode: string, bytes: number, source: Place & { etag: string }, target: Place & { etag: string, versionId: string | null } }} receipt
 */
function showReceipt(receipt) {
  const mode =
    receipt.mode === 'reference'
      ? 'reference: metadata only, no bytes were read or written'
      : `${receipt.mode}: the bytes were copied between block stores`;
  /** @type {[string, string | null][]} */
  const rows = [
    ['Mode', mode],
    ['Bytes', bytesText(receipt.bytes)],
    ['From', `${receipt.source.project}/${receipt.source.path}`],
    ['To', `${receipt.target.project}/${receipt.target.path}`],
    ['ETag', receipt.target.etag],
    ['Version', receipt.target.versionId],
  ];
  ui.receiptList.replaceChildren(
    ...rows.flatMap(([k, v]) => (v === null || v === '' ? [] : [h('dt', {}, k), h('dd', {}, v)])),
  );
  ui.receipt.hidden = false;
}

/**
 * Hands a file to the browser's download manager through a download link: the browser fetches and saves it as it
 * saves any download (streamed to disk, resumable), and the page never holds its bytes. The link ends with the
 * session.
 * @param {string} project
 * @param {Entry} e
 */
async function download(project, e) {
  const r = await api('POST', `${projectUrl(project)}/links`, { path: e.path });
  /** @type {{ url: string }} */
  const link = await r.json();
  // The link's path on this page's own origin: behind a proxy the server may not know the scheme the page came by.
  const a = h('a', { href: new URL(link.url).pathname, download: e.name, hidden: '' });
  document.body.append(a);
  a.click();
  a.remove();
  notify(`Downloading ${e.name} (${bytesText(e.size)}).`);
}

// ---- uploads

/**
 * PUTs one file to the native files route, reporting progress. Resolves with the new version's JSON; rejects
 * with an ApiError.
 * @param {string} url
 * @param {File} file
 * @param {(sent: number) => void} onProgress
 * @returns {Promise<{ size: number }>}
 */
function put(url, file, onProgress) {
  const s = session();
  if (!s) return Promise.reject(new ApiError(401, 'Unauthenticated', 'Sign in first.', undefined));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (ev) => onProgress(ev.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(errorOf(xhr, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'NetworkError', 'The upload did not reach the server.', undefined));
    xhr.send(file);
  });
}

/**
 * Uploads the files one after another into a directory, each with its own line of progress.
 * @param {Place} at
 * @param {File[]} files
 */
async function upload(at, files) {
  ui.uploads.replaceChildren();
  let failed = 0;
  for (const file of files) {
    const bar = /** @type {HTMLProgressElement} */ (
      h('progress', { max: String(file.size || 1), value: '0' })
    );
    const status = h('span', {}, 'uploading');
    ui.uploads.append(h('li', {}, h('span', {}, file.name), bar, status));
    try {
      const v = await put(fileUrl(at.project, join(at.path, file.name)), file, (sent) => {
        bar.value = sent;
        status.textContent = `${Math.floor((100 * sent) / (file.size || 1))}%`;
      });
      bar.value = file.size || 1;
      status.textContent = `uploaded, ${bytesText(v.size)}`;
    } catch (err) {
      failed++;
      status.parentElement?.classList.add('failed');
      status.textContent = 'failed';
      showError(err);
    }
  }
  if (failed === 0) notify(`Uploaded ${files.length} file${files.length === 1 ? '' : 's'}.`);
  await render();
}

// ---- wiring

ui.signInKind.addEventListener('change', () => {
  const password = ui.signInKind.value === 'password';
  ui.signInIdLabel.textContent = password ? 'User name' : 'Access key';
  ui.signInSecretLabel.textContent = password ? 'Password' : 'Secret';
});

ui.signInForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(async () => {
    const id = ui.signInId.value;
    const secret = ui.signInSecret.value;
    const body =
      ui.signInKind.value === 'password' ? { name: id, password: secret } : { accessKey: id, secret };
    const r = await fetch('/api/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw errorOf(r, text);
    const t = JSON.parse(text);
    /** @type {Session} */
    const s = { token: t.token, name: t.principal.name };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    ui.signInSecret.value = '';
    await render();
  });
});

ui.signOut.addEventListener('click', () => {
  closeAction();
  void act(async () => {
    // The server ends the session, so the token no longer works wherever it was copied to; this browser forgets it
    // even when the server cannot be told (the error then says so).
    try {
      await api('DELETE', '/api/v1/auth/token');
    } finally {
      sessionStorage.removeItem(SESSION_KEY);
      void render();
    }
    notify('Signed out.');
  });
});

ui.newProjectForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(async () => {
    const name = ui.newProjectName.value.trim();
    await api('POST', '/api/v1/projects', { name });
    ui.newProjectName.value = '';
    notify(`Created project ${name}.`);
    await render();
  });
});

ui.mkdirForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const at = place();
  if (!at) return;
  void act(async () => {
    const path = join(at.path, ui.mkdirName.value);
    await api('PUT', `${dirUrl(at.project, path)}?parents=true`);
    ui.mkdirName.value = '';
    notify(`Made directory ${at.project}/${path}.`);
    await render();
  });
});

ui.uploadInput.addEventListener('change', () => {
  const at = place();
  const files = [...(ui.uploadInput.files ?? [])];
  ui.uploadInput.value = '';
  if (!at || files.length === 0) return;
  void act(() => upload(at, files));
});

ui.actionForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(runAction);
});
ui.actionCancel.addEventListener('click', closeAction);

window.addEventListener('hashchange', () => {
  closeAction();
  ui.receipt.hidden = true;
  ui.uploads.replaceChildren();
  clearMessages();
  void render();
});

void render();
