// An object's Content-Type is the writer's to choose and goes back exactly as it was written. The framework
// refuses a request whose value it cannot parse as a media type (`a`, `;`, empty) and replaces such a value in a
// reply with its own default; these helpers keep it out of both.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const sent = new WeakMap<IncomingMessage, string>();

/**
 * Makes the routes of `app` take any body as a raw stream, whatever its Content-Type: the header is taken out of
 * the framework's sight before it parses, and `contentTypeOf` gives it back to the route.
 */
export function rawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.addHook('onRequest', (request, _reply, done) => {
    const value = request.raw.headers['content-type'];
    if (value !== undefined) {
      sent.set(request.raw, value);
      delete request.raw.headers['content-type'];
    }
    done();
  });
}

/** The Content-Type a request of a `rawBodies` route was sent with: undefined when absent or blank. */
export function contentTypeOf(request: FastifyRequest): string | undefined {
  return sent.get(request.raw)?.trim() || undefined;
}

const verbatim = new WeakMap<FastifyReply, string>();

/** Sets the reply's Content-Type to `value`, byte for byte, whatever the framework makes of it. */
export function setContentType(reply: FastifyReply, value: string): void {
  verbatim.set(reply, value);
  reply.header('content-type', value);
}

/** Installs the hook that restores what `setContentType` set, after the framework's defaults ran. */
export function keepContentTypes(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    const value = verbatim.get(reply);
    if (value !== undefined) reply.header('content-type', value);
    done(null, payload);
  });
}
