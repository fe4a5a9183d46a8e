// Errors the framework and Node's HTTP parser raise before a route runs (a URL that does not decode, a malformed
// header, an over-long header section) answered in the dialect's own shape, through the dialect's renderer.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimOf } from './claims.ts';
import { clientLeft } from './client-gone.ts';
import { originForm } from './request-target.ts';

/** An error answer as a dialect renders it. `body` undefined: no body (a 304, or any answer to HEAD). */
export interface ErrorPage {
  status: number;
  headers: Record<string, string>;
  contentType: string;
  body: string | undefined;
}

export interface ErrorSite {
  requestId: string;
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  /** The dialect that claimed the request other than by its path (see claims.ts). */
  dialect?: string;
  /** The Host header, for dialects whose error names the resource by it (COS). */
  host?: string;
}

export type RenderError = (err: unknown, site: ErrorSite) => ErrorPage;

/**
 * A failure of the transport, before any dialect could read the request: Node's parser refused it. Its status is
 * HTTP's own (408, 431, 400), and every dialect renders it with that status and this code in its own shape.
 */
export class TransportError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.status = status;
    this.code = code;
  }
}

/** The 431 of a header section past the limit (RFC 6585 section 5), from Node's parser or from the request hook. */
export const headersTooLarge = () =>
  new TransportError(431, 'RequestHeaderSectionTooLarge', 'The request headers are too large.');

function clientFailure(err: NodeJS.ErrnoException): TransportError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new TransportError(408, 'RequestTimeout', 'The request headers did not arrive in time.');
  if (err.code === 'HPE_HEADER_OVERFLOW') return headersTooLarge();
  return new TransportError(400, 'BadRequest', 'The request is not valid HTTP.');
}

/** A request line (RFC 9112 section 3): its method and target. */
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/\d\.\d\r\n/;

/**
 * The method and target of the request Node's parser refused, read from the bytes it was parsing when it gave up
 * (`rawPacket`, up to `bytesParsed`): the request starts after the last blank line among them (an earlier request on
 * the connection ended there), else at their start. Undefined when no request line is there: Node hands over only
 * the last read, so a header section that came in several reads has its request line in an earlier one. Over TLS
 * that is always so for a header section past the parser's limit, as a read holds one record, at most 16 KiB; the
 * server's own, lower limit is enforced once the path is known (see header-limit.ts).
 */
export function refusedRequest(err: NodeJS.ErrnoException): { method: string; url: string } | undefined {
  const { rawPacket, bytesParsed } = err as { rawPacket?: unknown; bytesParsed?: unknown };
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const parsed = rawPacket.subarray(0, typeof bytesParsed === 'number' ? bytesParsed : rawPacket.length);
  const blank = parsed.lastIndexOf('\r\n\r\n');
  const start = blank === -1 ? 0 : blank + 4;
  const eol = parsed.indexOf('\n', start);
  const m = eol === -1 ? null : REQUEST_LINE.exec(parsed.toString('latin1', start, eol + 1));
  if (!m) return undefined;
  // As the router reads it: an absolute-form target as its path and query.
  const url = originForm({ url: m[2]!, headers: {} });
  return url.startsWith('/') ? { method: m[1]!, url } : undefined;
}

const siteOf = (request: FastifyRequest): ErrorSite => ({
  requestId: request.id,
  method: request.method,
  url: request.raw.url ?? '/',
  dialect: claimOf(request.raw),
  host: request.raw.headers.host,
});

function sendPage(reply: FastifyReply, request: FastifyRequest, page: ErrorPage): FastifyReply {
  for (const [k, v] of Object.entries(page.headers)) reply.header(k, v);
  reply.code(page.status);
  // A body a handler began to read and left part way is not read on: the connection closes after the answer (RFC 9112
  // section 9.6), or the rest of it would stand before the next request, which would never be answered. A body no
  // one began to read is Node's to discard, and the connection is kept, as a client still sending it expects.
  if (!request.raw.complete && request.raw.readableDidRead) reply.header('connection', 'close');
  if (page.body === undefined) return reply.send();
  const body = Buffer.from(page.body);
  // Exactly the dialect's type: a string body would get the framework's `; charset=utf-8` appended.
  reply.type(page.contentType);
  // A HEAD is answered as the GET would be (RFC 9110 section 9.3.2): the type and length, without the body.
  if (request.method === 'HEAD') return reply.header('content-length', String(body.length)).send();
  return reply.send(body);
}

/**
 * A dialect's error handler: renders through `render`, logs what the server did wrong (a 5xx that is not a refusal)
 * with its stack, and cuts a reply whose headers went out already (the client sees a truncated body, never a second
 * status). A request whose client has gone gets no answer.
 */
export function errorHandler(render: RenderError) {
  return async (err: Error, request: FastifyRequest, reply: FastifyReply) => {
    if (clientLeft(request.raw)) {
      // A body cut short or a wait given up because the client went away: no answer to send, no server fault.
      request.log.info({ err: err.message }, 'client went away');
      reply.raw.destroy();
      return reply;
    }
    const page = render(err, siteOf(request));
    // A refusal the server chose (no buffer room now, no disk room, a feature it does not have) is a warning;
    // other 5xx are faults.
    if (page.status === 501 || page.status === 503 || page.status === 507)
      request.log.warn({ code: err.name, status: page.status, message: err.message }, 'request refused');
    else if (page.status >= 500) request.log.error({ err, status: page.status }, 'request failed');
    if (reply.raw.headersSent) {
      reply.raw.destroy(err);
      return reply;
    }
    return sendPage(reply, request, page);
  };
}

/** Connections refused by the parser and answered, closing. */
const answered = new WeakSet<Socket>();

/** The framework options that route its own errors (a URL that does not decode, bad HTTP) through `render`. */
export function frameworkErrorOptions(render: RenderError, nextId: () => string) {
  return {
    frameworkErrors(err: Error, request: FastifyRequest, reply: FastifyReply) {
      const failure = new TransportError(
        400,
        'InvalidURI',
        `Couldn't parse the specified URI: ${err.message}`,
      );
      return sendPage(reply, request, render(failure, siteOf(request)));
    },
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      // Over TLS, Node parses each read as it comes and raises the error again for every read after the refused
      // one: the answer already on its way is left to finish, not cut.
      if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
      if (socket.writable) {
        answered.add(socket);
        // The dialect that owns the refused request's path answers, as it would have once the request was read.
        const { method, url } = refusedRequest(err) ?? { method: 'GET', url: '/' };
        const page = render(clientFailure(err), { requestId: nextId(), method, url });
        const body = Buffer.from(page.body ?? '');
        const headers = Object.entries({
          ...page.headers,
          'content-type': page.contentType,
          'content-length': String(body.length),
          connection: 'close',
        })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.write(`HTTP/1.1 ${page.status} ${STATUS_CODES[page.status] ?? 'Error'}\r\n${headers}\r\n`);
        // A HEAD gets the headers the GET would, Content-Length of its body among them, and no body (RFC 9110
        // section 9.3.2). Ended, not destroyed: over TLS a destroy drops what is still buffered, and the client reads
        // a cut answer. A client that never reads it is cut off a moment later.
        if (method === 'HEAD') socket.end();
        else socket.end(body);
        setTimeout(() => socket.destroy(), 2000).unref();
        return;
      }
      socket.destroy(err);
    },
  };
}
