// SAS media types: `application/vnd.sas.<name>+json`, with an optional `;version=N` that picks a representation. A
// client may also ask for plain `application/json` or anything (`*/*`); an `Accept` that names only versions of the
// type the service does not have is 415, as the SAS services answer it (not 406), as is a request body of such a
// version.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contentTypeOf, setContentType } from '../../common/content-type.ts';
import { isJson, jsonBody } from '../../common/json-body.ts';
import { WIRE_ERRORS } from './error-table.ts';
import { SasWireError } from './errors.ts';

/** The media type `application/vnd.sas.<name>+json`. */
export const sasType = (name: string) => `application/vnd.sas.${name}+json`;

interface Range {
  type: string;
  version: string | undefined;
}

function ranges(accept: string): Range[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const version = params
        .map((p) => /^version\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1])
        .find((v) => v !== undefined);
      return { type: type.toLowerCase(), version };
    })
    .filter((r) => r.type !== '');
}

/**
 * The content type to answer with when the representation is `name` at `version`: the SAS type (with its version)
 * unless the client asked for plain JSON only. Throws a 415 when every range that names the SAS type (or its `+json`
 * less form) asks for another version and nothing else in `Accept` would take the answer.
 */
export function negotiate(request: FastifyRequest, name: string, version: number): string {
  const full = sasType(name);
  const own = `${full};version=${version}`;
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return own;
  const rs = ranges(accept);
  const bare = `application/vnd.sas.${name}`;
  const mine = rs.filter((r) => r.type === full || r.type === bare);
  if (mine.some((r) => r.version === undefined || r.version === String(version))) return own;
  if (rs.some((r) => r.type === 'application/json')) return 'application/json';
  if (rs.some((r) => r.type === '*/*' || r.type === 'application/*')) return own;
  if (mine.length > 0)
    throw new SasWireError(
      415,
      WIRE_ERRORS.unsupportedMedia,
      `The service has version ${version} of ${full}; the request asked for version ${mine.map((r) => r.version).join(', ')}.`,
    );
  // An Accept that names other types only (text/plain, a SAS type of another resource): the answer is still JSON.
  return own;
}

/**
 * Refuses a request body of the SAS type `name` whose `Content-Type` names a version the service does not read (415,
 * as for an `Accept` of one): a body of another version may mean other things by the same fields.
 */
export function checkBodyVersion(type: string | undefined, name: string, version: number): void {
  const [r] = ranges(type ?? '');
  if (r?.version !== undefined && r.version !== String(version))
    throw new SasWireError(
      415,
      WIRE_ERRORS.unsupportedMedia,
      `The service reads version ${version} of ${sasType(name)}; the request body is version ${r.version}.`,
    );
}

/** Sends `body` as JSON with the negotiated type. */
export function sendJson(
  reply: FastifyReply,
  request: FastifyRequest,
  name: string,
  version: number,
  body: unknown,
): FastifyReply {
  setContentType(reply, negotiate(request, name, version));
  return reply.send(Buffer.from(JSON.stringify(body)));
}

/**
 * Whether a request's `Content-Type` is JSON: plain JSON, any `+json` type, or a SAS type without it (the links'
 * `type` names it so, and a client that follows a link may send it as it reads it).
 */
export function isJsonType(type: string | undefined): boolean {
  if (type === undefined) return false;
  const t = type.split(';')[0]!.trim().toLowerCase();
  return isJson(t) || /^application\/vnd\.sas\.[a-z0-9.-]+$/.test(t);
}

/** What a route takes as its JSON body. */
export interface BodyRules {
  /** A body without a Content-Type is refused rather than read as JSON. */
  typed?: boolean;
  /** The SAS representation the route reads, `application/vnd.sas.<name>+json` at `version`. */
  reads?: { name: string; version: number };
}

/** Whether `type` (with its parameters) is the SAS type `name`, with or without `+json`. */
function isSasType(type: string, name: string): boolean {
  const t = type.split(';')[0]!.trim().toLowerCase();
  return t === sasType(name) || t === `application/vnd.sas.${name}`;
}

/**
 * Refuses a request whose body is not JSON (415, as the services' Spring handlers answer a type they do not consume,
 * before anything is read or changed). Without a Content-Type the body is read as JSON, unless `rules.typed` asks for
 * one. A body of the SAS type `rules.reads` names whose `version` is another than the route reads is 415 too.
 */
export function checkJsonBody(request: FastifyRequest, rules: BodyRules = {}): void {
  const type = contentTypeOf(request);
  if (type === undefined ? rules.typed : !isJsonType(type))
    throw new SasWireError(
      415,
      WIRE_ERRORS.unsupportedMedia,
      `The request body is JSON (application/json or a SAS +json type), not '${type ?? 'untyped'}'.`,
    );
  const reads = rules.reads;
  if (type !== undefined && reads && isSasType(type, reads.name))
    checkBodyVersion(type, reads.name, reads.version);
}

/** The request's JSON object body, as `jsonBody` reads it, in a type `checkJsonBody` takes by `rules`; 415 else. */
export function sasJsonBody(
  request: FastifyRequest,
  rules: BodyRules = {},
): Promise<Record<string, unknown>> {
  checkJsonBody(request, rules);
  return jsonBody(request, isJsonType);
}
