// @ts-check
// Bytes between the browser and the server: downloads through download links, uploads one PUT per file.
import { ApiError, api, errorOf, fileUrl, join, projectUrl, session } from './api.js';
import { bytesText, h, notify, redraw, showError, ui } from './page.js';

/** @typedef {{ project: string, path: string }} Place */

/**
 * Hands a file to the browser's download manager through a download link: the browser fetches and saves it as it
 * saves any download (streamed to disk, resumable), and the page never holds its bytes. The link ends with the
 * session.
 * @param {{ project: string, path: string, versionId?: string }} file the current version, or the one named
 * @param {string} what how the notice names the file
 */
export async function download(file, what) {
  /** @type {{ path: string, versionId?: string }} */
  const body = { path: file.path };
  if (file.versionId !== undefined) body.versionId = file.versionId;
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
 * Uploads the files one after another into a directory, each with its own line of progress.
 * @param {Place} at
 * @param {File[]} files
 */
export async function upload(at, files) {
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
  await redraw();
}
