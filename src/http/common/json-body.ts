// A JSON request body read by the route itself (the dialects that take raw bodies read JSON this way): bounded, and
// every way it can be wrong a client error in the dialect's shape.
import type { FastifyRequest } from 'fastify';
import { isStorageError, StorageError } from '../../core/errors.ts';
import { contentTypeOf } from './content-type.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A JSON request body is small: names, offsets, ids. */
const MAX_JSON_BODY = 64 * 1024;

/** application/json, or any type with the +json suffix (RFC 6839). */
export const isJson = (type: string) => /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(;|$)/i.test(type);

/**
 * A JSON body's text. JSON is UTF-8 (RFC 8259): bytes that are not would change into U+FFFD, and a name with them into
 * another name, so they are InvalidArgument.
 */
export function jsonText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new StorageError('InvalidArgument', 'The body is not valid UTF-8.');
  }
}

/**
 * JSON text as a value. Throws InvalidArgument when it is not JSON, and passes on a StorageError that `reviver`
 * throws. A key `__proto__` is a key like any other: JSON.parse makes it an own property, never a prototype.
 */
export function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (err) {
    if (isStorageError(err)) throw err;
    throw new StorageError('InvalidArgument', 'The body is not valid JSON.');
  }
}

/**
 * The request's JSON value; null when the body is empty. Throws EntityTooLarge or InvalidArgument. A body without a
 * Content-Type is read as JSON; one with a type is read when `json` takes it (a dialect may know JSON types of its
 * own by other names).
 */
export async function jsonValue(
  request: FastifyRequest,
  json: (type: string) => boolean = isJson,
): Promise<unknown> {
  const type = contentTypeOf(request);
  if (type !== undefined && !json(type))
    throw new StorageError('InvalidArgument', `The body must be application/json, not '${type}'.`);
  // Refused before a byte is read: the server then discards the body, and the client reads the answer whole (a body
  // read in part and abandoned would close the connection under a client still sending).
  if (Number(request.headers['content-length']) > MAX_JSON_BODY)
    throw new StorageError('EntityTooLarge', `A JSON body is at most ${MAX_JSON_BODY} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (request.body ?? []) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY)
      throw new StorageError('EntityTooLarge', `A JSON body is at most ${MAX_JSON_BODY} bytes.`);
    chunks.push(chunk);
  }
  const text = jsonText(Buffer.concat(chunks));
  if (text.trim() === '') return null;
  return parseJson(text);
}

/** The request's JSON object body (`{}` when empty or `null`). Throws EntityTooLarge or InvalidArgument. */
export async function jsonBody(
  request: FastifyRequest,
  json?: (type: string) => boolean,
): Promise<Record<string, unknown>> {
  const value = await jsonValue(request, json);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new StorageError('InvalidArgument', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}
