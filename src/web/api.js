// @ts-check
// The console's client of the native JSON API at /api/v1: the session's token, requests, refusals and URLs.

/** @typedef {{ token: string, name: string }} Session */
/** @typedef {{ name: string, versioning: string, dataClass: string, createdAt: string }} Project */

export const SESSION_KEY = 'mimeo.console.session';

/** A native API error: the server's code, message and request id, or the status where it sent no error body. */
export class ApiError extends Error {
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

// ---- URLs, as the native API reads them

/** One path segment, percent-encoded ('.' and '..' too, as the mimeo CLI sends them). */
export const seg = (/** @type {string} */ s) =>
  s === '.' ? '%2E' : s === '..' ? '%2E%2E' : encodeURIComponent(s);
/** A path of several segments, each encoded, its slashes kept. */
export const segs = (/** @type {string} */ p) => p.split('/').map(seg).join('/');
export const projectUrl = (/** @type {string} */ project) => `/api/v1/projects/${seg(project)}`;
export const fileUrl = (/** @type {string} */ project, /** @type {string} */ path) =>
  `${projectUrl(project)}/files/${segs(path)}`;
/** A directory's URL; '' is the project's top. */
export const dirUrl = (/** @type {string} */ project, /** @type {string} */ path) =>
  path === '' ? `${projectUrl(project)}/dirs` : `${projectUrl(project)}/dirs/${segs(path)}`;
export const join = (/** @type {string} */ dir, /** @type {string} */ name) =>
  dir === '' ? name : `${dir}/${name}`;

// ---- the session and requests

/** @returns {Session | null} */
export function session() {
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
export function errorOf(r, text) {
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
export async function api(method, url, json) {
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

/** @returns {Promise<Project[]>} the projects the session may read */
export async function listProjects() {
  const r = await api('GET', '/api/v1/projects');
  return (await r.json()).projects;
}
