// A stored object's Content-Type goes back exactly as it was written. The framework replaces a value it cannot
// parse as a media type (`a`, `;`) with its own default; these helpers set the value again after it has done so.
import type { FastifyInstance, FastifyReply } from 'fastify';

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
