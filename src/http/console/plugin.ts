// The web console: a static single-page app over the native API, served at / on the API port from a fixed list.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

/** Where the console's files are: src/web, read once when the server is built. */
const WEB = new URL('../../web/', import.meta.url);

const JS = 'text/javascript; charset=utf-8';

/**
 * Every file the console serves, by its URL path. A request names an entry of this list or is not the console's:
 * no part of a URL is ever joined to a file-system path. The page's script is console.js, an ES module that imports
 * the other modules by these paths.
 */
export const CONSOLE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: JS },
  '/api.js': { file: 'api.js', type: JS },
  '/page.js': { file: 'page.js', type: JS },
  '/views.js': { file: 'views.js', type: JS },
  '/actions.js': { file: 'actions.js', type: JS },
  '/versions.js': { file: 'versions.js', type: JS },
  '/snapshots.js': { file: 'snapshots.js', type: JS },
  '/members.js': { file: 'members.js', type: JS },
  '/transfers.js': { file: 'transfers.js', type: JS },
  '/multipart.js': { file: 'multipart.js', type: JS },
  '/kept-uploads.js': { file: 'kept-uploads.js', type: JS },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/**
 * Same-origin scripts, styles, images and API calls only; no inline script or style, no plugins, no <base>, no
 * framing. Trusted Types with no policy make the browser refuse any HTML string put into the page (innerHTML and
 * its kin), so user data can reach the page only as text.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Mounts GET and HEAD for each file of CONSOLE_FILES. Every other path keeps the answer its dialect (or the native
 * API, by default) gives. Throws when a file is missing, so a broken install fails at start, not in a browser.
 */
export async function webConsole(app: FastifyInstance): Promise<void> {
  for (const [url, { file, type }] of Object.entries(CONSOLE_FILES)) {
    const body = await readFile(new URL(file, WEB));
    app.route({
      method: ['GET', 'HEAD'],
      url,
      handler: (_request, reply) => reply.headers(HEADERS).type(type).send(body),
    });
  }
}
