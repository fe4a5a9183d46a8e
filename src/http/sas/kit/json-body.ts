// A SAS service's JSON request body: the SAS clients send `application/vnd.sas.<name>+json` as often as plain JSON, so
// any JSON type is taken; another Content-Type is 415 (the wire error the SAS services give), a body that is no JSON
// object a 400. Bounded: a body here is a name, a URI, a description.
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../../core/errors.ts';
import { contentTypeOf } from '../../common/content-type.ts';
import { bodyOf } from '../../common/request-body.ts';
import { WIRE_ERRORS } from './error-table.ts';
import { SasWireError } from './errors.ts';
import { isJsonType } from './media.ts';

const MAX_JSON_BODY = 64 * 1024;

/**
 * The request's JSON object (`{}` for an empty body, as SAS clients send on a bodiless POST). Throws a 415 for a
 * Content-Type that is not JSON, EntityTooLarge past 64 KiB, InvalidArgument for anything but a JSON object.
 */
export async function sasJsonBody(request: FastifyRequest): Promise<Record<string, unknown>> {
  const type = contentTypeOf(request);
  if (type !== undefined && !isJsonType(type))
    throw new SasWireError(
      415,
      WIRE_ERRORS.unsupportedMedia,
      `The body must be JSON (application/json or a SAS +json type), not '${type.slice(0, 100)}'.`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bodyOf(request)) {
    size += chunk.length;
    if (size > MAX_JSON_BODY)
      throw new StorageError('EntityTooLarge', `A JSON body is at most ${MAX_JSON_BODY} bytes.`);
    chunks.push(Buffer.from(chunk));
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StorageError('InvalidArgument', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StorageError('InvalidArgument', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}
