// The body of an OAuth token request: `application/x-www-form-urlencoded` (RFC 6749 section 4) or, as
// @sasjs/adapter sends a refresh, `multipart/form-data`. Bounded, and every way it can be wrong is InvalidArgument
// or EntityTooLarge, never a server error.
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../../core/errors.ts';
import { contentTypeOf } from '../../common/content-type.ts';
import { bodyOf } from '../../common/request-body.ts';

/** A token request holds a few names, a password and a token. */
export const MAX_FORM_BODY = 16 * 1024;

async function readBounded(request: FastifyRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bodyOf(request)) {
    size += chunk.length;
    if (size > MAX_FORM_BODY)
      throw new StorageError('EntityTooLarge', `A token request is at most ${MAX_FORM_BODY} bytes.`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Each name once, as RFC 6749 section 3.2 requires; a repeated one is InvalidArgument. */
function single(entries: Iterable<[string, unknown]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of entries) {
    if (typeof value !== 'string')
      throw new StorageError('InvalidArgument', `The form field '${name}' must be text, not a file.`);
    if (out.has(name)) throw new StorageError('InvalidArgument', `The form field '${name}' is repeated.`);
    out.set(name, value);
  }
  return out;
}

/** The fields of a token request's form body. Throws InvalidArgument or EntityTooLarge. */
export async function formFields(request: FastifyRequest): Promise<Map<string, string>> {
  const type = contentTypeOf(request);
  const urlencoded = type !== undefined && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type);
  const multipart = type !== undefined && /^multipart\/form-data\s*;/i.test(type);
  if (!urlencoded && !multipart)
    throw new StorageError(
      'InvalidArgument',
      'The body must be application/x-www-form-urlencoded or multipart/form-data.',
    );
  const body = await readBounded(request);
  if (urlencoded) return single(new URLSearchParams(body.toString('utf8')));
  try {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    return single(form.entries());
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw new StorageError('InvalidArgument', 'The multipart/form-data body is malformed.');
  }
}
