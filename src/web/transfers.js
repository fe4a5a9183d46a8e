// @ts-check
// Bytes between the browser and the server: downloads through download links, uploads one PUT per file, or in parts
// (multipart.js) for a large file, which can then be resumed or cancelled from its line.
import { ApiError, api, errorOf, fileUrl, join, projectUrl, session } from './api.js';
import { keptFor } from './kept-uploads.js';
import { abortKept, sendInParts } from './multipart.js';
import { act, button, bytesText, errorText, h, notify, redraw, showError, ui } from './page.js';

/** @typedef {{ project: string, path: string }} Place */
/** @typedef {ReturnType<typeof uploadLine>} Line */

/** Files of this size or more go up in parts; smaller ones in one PUT. */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;

/**
 * Hands a file to the browser's download manager through a download link: the browser fetches and saves it as it
 * saves any download (streamed to disk, resumable), and the page never holds its bytes. The link ends with the
 * session.
 * @param {{ project: string, path: string, versionId?: string, snapshot?: string }} file the current version, the
 *   one named, or the one a snapshot holds
 * @param {string} what how the notice names the file
 */
export async function download(file, what) {
  /** @type {{ path: string, versionId?: string, snapshot?: string }} */
  const body = { path: file.path };
  if (file.versionId !== undefined) body.versionId = file.versionId;
  if (file.snapshot !== undefined) body.snapshot = file.snapshot;
  const r = await api('POST', `${projectUrl(file.project)}/links`, body);
  /** @type {{ url: string, file: { size: number } }} */
  const link = await r.json();
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  // The link's path on this page's own origin: behind a proxy the server may not know the scheme the page came by.
  const a = h('a', { href: new URL(link.url).pathname, download: name, hidden: '' });
  document.body.append(a);
  a.click();
  a.remove();
  notify(`Downloading ${what} (${bytesText(link.file.size)}).`);
}

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
 * A line of the upload list: the file's name, one progress bar, its status and the buttons it offers.
 * @param {File} file
 */
function uploadLine(file) {
  const max = file.size || 1;
  const bar = /** @type {HTMLProgressElement} */ (
    h('progress', { max: String(max), value: '0', 'aria-label': `Upload of ${file.name}` })
  );
  const status = h('span', { class: 'status' }, 'uploading');
  const tools = h('span', { class: 'tools' });
  const li = h('li', {}, h('span', {}, file.name), bar, status, tools);
  ui.uploads.append(li);
  return {
    /** @param {number} sent */
    progress(sent) {
      li.classList.remove('failed');
      bar.value = sent;
      status.textContent = `${Math.floor((100 * sent) / max)}%`;
    },
    /** @param {string} text */
    done(text) {
      bar.value = max;
      status.textContent = text;
      tools.replaceChildren();
    },
    /** @param {string} text */
    show(text) {
      li.classList.remove('failed');
      status.textContent = text;
    },
    /** @param {string} text */
    failed(text) {
      li.classList.add('failed');
      status.textContent = text;
    },
    /** @param {HTMLElement[]} buttons */
    offer(...buttons) {
      tools.replaceChildren(...buttons);
    },
  };
}

/**
 * Sends one file in one PUT. Resolves true once it is stored; shows a refusal.
 * @param {Place} target
 * @param {File} file
 * @param {Line} line
 */
async function sendWhole(target, file, line) {
  try {
    const v = await put(fileUrl(target.project, target.path), file, line.progress);
    line.done(`uploaded, ${bytesText(v.size)}`);
    return true;
  } catch (err) {
    line.failed('failed');
    showError(err);
    return false;
  }
}

/**
 * Sends a large file in parts, with a Cancel button while it runs. One that stops says why and offers Resume and
 * Cancel, as long as the server may hold its upload. Resolves true once the file is stored.
 * @param {Place} target
 * @param {File} file
 * @param {Line} line
 */
async function sendLarge(target, file, line) {
  const controller = new AbortController();
  line.offer(button('Cancel', () => controller.abort()));
  try {
    const r = await sendInParts({ target, file, onProgress: line.progress, signal: controller.signal });
    const anew = r.restarted ? ' anew, as the file changed since its upload began,' : '';
    line.done(`uploaded${anew} in ${r.parts} parts, ${bytesText(r.version.size)}`);
    return true;
  } catch (err) {
    if (controller.signal.aborted) await cancel(target, line).catch((e) => stopped(target, file, line, e));
    else stopped(target, file, line, err);
    return false;
  }
}

/**
 * Says why an upload in parts stopped, and offers Resume and Cancel while this tab keeps the upload.
 * @param {Place} target
 * @param {File} file
 * @param {Line} line
 * @param {unknown} err
 */
function stopped(target, file, line, err) {
  line.failed(`stopped: ${errorText(err)}`);
  showError(err);
  if (!keptFor(target)) return line.offer();
  line.offer(
    button('Resume', () => act(() => resume(target, file, line))),
    button('Cancel', () => act(() => cancel(target, line))),
  );
}

/**
 * Sends the parts of a stopped upload that the server does not have, and completes it.
 * @param {Place} target
 * @param {File} file
 * @param {Line} line
 */
async function resume(target, file, line) {
  if (!(await sendLarge(target, file, line))) return;
  notify(`Uploaded ${target.project}/${target.path}.`);
  await redraw();
}

/**
 * Aborts the upload on the server, which discards its parts.
 * @param {Place} target
 * @param {Line} line
 */
async function cancel(target, line) {
  const kept = keptFor(target);
  if (kept) await abortKept(kept);
  line.show('cancelled');
  line.offer();
  notify(`Cancelled the upload of ${target.project}/${target.path}.`);
}

/**
 * Uploads the files one after another into a directory, each with its own line of progress: one PUT for a file
 * under MULTIPART_THRESHOLD, parts for a larger one.
 * @param {Place} at
 * @param {File[]} files
 */
export async function upload(at, files) {
  ui.uploads.replaceChildren();
  let failed = 0;
  for (const file of files) {
    const line = uploadLine(file);
    const target = { project: at.project, path: join(at.path, file.name) };
    const send = file.size >= MULTIPART_THRESHOLD ? sendLarge : sendWhole;
    if (!(await send(target, file, line))) failed++;
  }
  if (failed === 0) notify(`Uploaded ${files.length} file${files.length === 1 ? '' : 's'}.`);
  await redraw();
}
