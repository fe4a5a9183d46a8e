// @ts-check
// A large file up in parts through the native upload routes (/api/v1/projects/{project}/uploads): start an upload,
// send slices of the file a few at once, each retried after a network error or a 5xx, then complete it. An upload
// that stops is kept (kept-uploads.js), so that it resumes: the server lists the parts it has, and only the others
// are sent.
import { ApiError, api, errorOf, projectUrl, seg, session } from './api.js';
import { forget, keep, keptFor } from './kept-uploads.js';

/** The size of every part but the last, unless the file needs larger ones to fit in MAX_PARTS. */
export const PART_SIZE = 16 * 1024 * 1024;
/** Parts in flight at once. */
const PARALLEL = 3;
/** The native API's largest part count. */
const MAX_PARTS = 10_000;
/** The waits, in milliseconds, before a request's second, third and fourth tries; a fourth failure stops it. */
const RETRY_DELAYS = [500, 1000, 2000];

/** @typedef {import('./kept-uploads.js').Kept} Kept */
/** @typedef {import('./kept-uploads.js').Target} Target */
/** @typedef {{ partNumber: number, etag: string, size: number }} Part */
/** @typedef {{ size: number, etag: string }} FileJson the new version, as the server describes it */

// ---- requests

const uploadUrl = (/** @type {Kept} */ k) => `${projectUrl(k.project)}/uploads/${seg(k.uploadId)}`;
const isCode = (/** @type {unknown} */ err, /** @type {string} */ code) =>
  err instanceof ApiError && err.code === code;
/** A failure that another try may not meet: no answer, or the server's (or a proxy's) 5xx. */
const transient = (/** @type {unknown} */ err) =>
  err instanceof ApiError && (err.code === 'NetworkError' || err.status >= 500);
const cancelled = () => new ApiError(0, 'Cancelled', 'The upload was cancelled.', undefined);

/** Waits `ms`, or rejects with Cancelled once `signal` aborts. */
function sleep(/** @type {number} */ ms, /** @type {AbortSignal} */ signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs `work` again after a transient failure, up to RETRY_DELAYS.length more times, waiting longer each time.
 * Rejects with the last failure, with Cancelled once `signal` aborts, or with FileChanged when the file whose part
 * `work` sends can no longer be read (the part may have met the change).
 * @template T
 * @param {() => Promise<T>} work
 * @param {{ signal: AbortSignal, file?: File }} options
 * @returns {Promise<T>}
 */
async function retrying(work, { signal, file }) {
  for (let i = 0; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (signal.aborted) throw cancelled();
      const delay = RETRY_DELAYS[i];
      if (!transient(err) || delay === undefined) throw err;
      if (file && !(await readable(file))) throw changed(file);
      await sleep(delay * (1 + Math.random() / 4), signal);
    }
  }
}

/**
 * PUTs one part, streamed by the browser from its slice of the file, reporting the bytes sent. Resolves with the
 * part as the server stored it; rejects with an ApiError (NetworkError when there was no answer).
 * @param {string} url
 * @param {Blob} body
 * @param {{ onProgress: (sent: number) => void, signal: AbortSignal }} options
 * @returns {Promise<Part>}
 */
function putPart(url, body, { onProgress, signal }) {
  const s = session();
  if (!s) return Promise.reject(new ApiError(401, 'Unauthenticated', 'Sign in first.', undefined));
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal.removeEventListener('abort', abort);
    xhr.open('PUT', url);
    xhr.setRequestHeader('authorization', `Bearer ${s.token}`);
    xhr.upload.onprogress = (ev) => onProgress(ev.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(errorOf(xhr, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'NetworkError', 'The part did not reach the server.', undefined));
    xhr.onabort = () => reject(cancelled());
    xhr.send(body);
  });
}

/** @returns {Promise<Map<number, Part>>} the parts the server has, by number */
async function listParts(/** @type {Kept} */ k) {
  const have = new Map();
  /** @type {string | null} */
  let after = null;
  do {
    const r = await api(
      'GET',
      `${uploadUrl(k)}${after === null ? '' : `?after=${encodeURIComponent(after)}`}`,
    );
    /** @type {{ parts: Part[], next: string | null }} */
    const page = await r.json();
    for (const p of page.parts) have.set(p.partNumber, p);
    after = page.next;
  } while (after !== null);
  return have;
}

/** Aborts a kept upload on the server and forgets it; one the server no longer has is forgotten too. */
export async function abortKept(/** @type {Kept} */ k) {
  try {
    await api('DELETE', uploadUrl(k));
  } catch (err) {
    if (!isCode(err, 'NoSuchUpload')) throw err;
  }
  forget(k);
}

// ---- the file

/** Whether the browser can still read the file: it refuses once the file on disk has changed since it was chosen. */
async function readable(/** @type {File} */ file) {
  try {
    await file.slice(0, 1).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

const changed = (/** @type {File} */ file) =>
  new ApiError(
    0,
    'FileChanged',
    `${file.name} changed on disk since its upload began: its upload was cancelled. Choose it again to upload it anew.`,
    undefined,
  );

/** The part size for a file: PART_SIZE, or more when the server asks for more or the file needs more. */
const partSizeFor = (/** @type {number} */ size, /** @type {number} */ serverMin) =>
  Math.max(PART_SIZE, serverMin, Math.ceil(size / MAX_PARTS));

// ---- an upload

/**
 * Sends a file in parts to a path and completes the upload. It resumes the upload kept for that path when the file
 * is the one it began with (the same size and modification time, and still readable), sending only the parts the
 * server lacks; a file that changed has its kept upload aborted, and goes up anew when the browser can read it.
 * Resolves with the new version, the number of parts and whether it started over. Rejects with an ApiError: the
 * server's refusal, the last failure of a part, Cancelled once `signal` aborts, or FileChanged; the upload is kept
 * for a resume unless it is gone.
 * @param {{ target: Target, file: File, onProgress: (sent: number) => void, signal: AbortSignal }} options
 * @returns {Promise<{ version: FileJson, parts: number, restarted: boolean }>}
 */
export async function sendInParts({ target, file, onProgress, signal }) {
  const { k, have, restarted } = await takeUp(target, file, signal);
  try {
    return { ...(await send(k, { file, have, onProgress, signal })), restarted };
  } catch (err) {
    // The parts sent hold bytes the file no longer has: the upload cannot be resumed.
    if (isCode(err, 'FileChanged')) await abortKept(k).catch(() => {});
    throw err;
  }
}

/**
 * The upload to send the file to, with the parts the server has: the kept one when the file is the one it began
 * with and the server still has it, else a new one. A kept upload of a file that changed is aborted first; rejects
 * with FileChanged when the browser cannot read the file any more.
 * @param {Target} target
 * @param {File} file
 * @param {AbortSignal} signal
 * @returns {Promise<{ k: Kept, have: Map<number, Part>, restarted: boolean }>}
 */
async function takeUp(target, file, signal) {
  const kept = keptFor(target);
  if (kept && kept.size === file.size && kept.lastModified === file.lastModified && (await readable(file))) {
    try {
      return { k: kept, have: await retrying(() => listParts(kept), { signal }), restarted: false };
    } catch (err) {
      // Completed or aborted elsewhere: the file goes up anew.
      if (!isCode(err, 'NoSuchUpload')) throw err;
      forget(kept);
    }
  } else if (kept) {
    await abortKept(kept);
    if (!(await readable(file))) throw changed(file);
    return { k: await begin(target, file), have: new Map(), restarted: true };
  }
  return { k: await begin(target, file), have: new Map(), restarted: false };
}

/**
 * Sends the parts of the file that the server lacks, then completes the upload and forgets it.
 * @param {Kept} k
 * @param {{ file: File, have: Map<number, Part>, onProgress: (sent: number) => void, signal: AbortSignal }} options
 */
async function send(k, { file, have, onProgress, signal }) {
  const ranges = [];
  for (let n = 1, start = 0; start < file.size; n++, start += k.partSize)
    ranges.push({ n, start, size: Math.min(k.partSize, file.size - start) });
  /** @type {Map<number, string>} */
  const etags = new Map();
  let done = 0;
  /** @type {Map<number, number>} bytes sent of each part in flight */
  const flying = new Map();
  const report = () => onProgress(done + [...flying.values()].reduce((a, b) => a + b, 0));
  const missing = ranges.filter((r) => {
    const p = have.get(r.n);
    if (p?.size !== r.size) return true;
    etags.set(r.n, p.etag);
    done += r.size;
    return false;
  });
  report();
  await eachAtOnce(missing, async (r) => {
    const part = await retrying(
      () => {
        flying.set(r.n, 0);
        return putPart(`${uploadUrl(k)}/parts/${r.n}`, file.slice(r.start, r.start + r.size), {
          onProgress: (sent) => {
            flying.set(r.n, sent);
            report();
          },
          signal,
        });
      },
      { signal, file },
    ).finally(() => flying.delete(r.n));
    if (part.size !== r.size) throw changed(file);
    etags.set(r.n, part.etag);
    done += r.size;
    report();
  });
  const parts = ranges.map((r) => ({ partNumber: r.n, etag: etags.get(r.n) ?? '' }));
  const complete = async () => (await api('POST', `${uploadUrl(k)}/complete`, { parts })).json();
  const version = await retrying(complete, { signal });
  forget(k);
  return { version, parts: ranges.length };
}

/** Starts an upload to the target and keeps it. */
async function begin(/** @type {Target} */ target, /** @type {File} */ file) {
  const r = await api('POST', `${projectUrl(target.project)}/uploads`, {
    path: target.path,
    contentType: file.type || 'application/octet-stream',
  });
  /** @type {{ uploadId: string, minPartSize: number }} */
  const u = await r.json();
  /** @type {Kept} */
  const k = {
    user: session()?.name ?? '',
    ...target,
    uploadId: u.uploadId,
    size: file.size,
    lastModified: file.lastModified,
    partSize: partSizeFor(file.size, u.minPartSize),
  };
  keep(k);
  return k;
}

/**
 * Runs `work` on every item, PARALLEL at once, in order. The first failure stops new work, and is thrown once the
 * work in flight has ended (a part that arrives is one fewer to send on a resume).
 * @template T
 * @param {T[]} items
 * @param {(item: T) => Promise<void>} work
 */
async function eachAtOnce(items, work) {
  /** @type {{ error: unknown } | undefined} */
  let failed;
  let next = 0;
  const worker = async () => {
    for (let item = items[next++]; item !== undefined && failed === undefined; item = items[next++]) {
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (failed) throw failed.error;
}
