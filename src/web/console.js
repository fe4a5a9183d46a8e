// @ts-check
// The mimeo web console: sign in, projects, directories, files and their versions, snapshots and members, over the
// native JSON API at /api/v1. This module wires the page's forms and buttons to the others and draws the first view.
// User data reaches the page only as text nodes and attribute values set through the DOM, never as HTML.
import { closeAction, runAction } from './actions.js';
import { api, dirUrl, errorOf, join, SESSION_KEY } from './api.js';
import { addMember, closeMembers, closeRemove, runRemove } from './members.js';
import { act, clearMessages, notify, onRedraw, ui } from './page.js';
import { closeDelete, closeSnapshots, runDelete, takeSnapshot } from './snapshots.js';
import { upload } from './transfers.js';
import { closeRestore, closeVersions, runRestore } from './versions.js';
import { closePanels, place, render } from './views.js';

/** @typedef {import('./api.js').Session} Session */

onRedraw(render);

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
  closePanels();
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
  if (!at || at.snapshot !== undefined) return;
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
  if (!at || at.snapshot !== undefined || files.length === 0) return;
  void act(() => upload(at, files));
});

ui.actionForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(runAction);
});
ui.actionCancel.addEventListener('click', closeAction);

ui.restoreForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(runRestore);
});
ui.restoreCancel.addEventListener('click', closeRestore);
ui.versionsClose.addEventListener('click', closeVersions);

ui.snapshotForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(takeSnapshot);
});
ui.snapshotDeleteForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(runDelete);
});
ui.snapshotDeleteCancel.addEventListener('click', closeDelete);
ui.snapshotsClose.addEventListener('click', closeSnapshots);

ui.memberForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(addMember);
});
ui.memberRemoveForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(runRemove);
});
ui.memberRemoveCancel.addEventListener('click', closeRemove);
ui.membersClose.addEventListener('click', closeMembers);

window.addEventListener('hashchange', () => {
  closePanels();
  ui.uploads.replaceChildren();
  clearMessages();
  void render();
});

void render();
