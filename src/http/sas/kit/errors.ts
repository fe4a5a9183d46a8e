// The error body the SAS Viya services answer with (`application/vnd.sas.error+json`, version 2), rendered through a
// service's own table of core codes: the table's `code` is the numeric `errorCode`. A 401 names Bearer, the only
// credential these services take; no problem with credentials is a 403 or a 449, which @sasjs/adapter reads as a
// CSRF challenge.
import { ERROR_CODES } from '../../../core/errors.ts';
import { coreErrorHeaders, type ErrorTable } from '../../common/dialect.ts';
import { type ErrorPage, type ErrorSite, type RenderError, TransportError } from '../../common/error-page.ts';
import { asStorageError } from '../../common/framework-errors.ts';
import { WIRE_ERRORS } from './error-table.ts';

export const SAS_ERROR_TYPE = 'application/vnd.sas.error+json';

/**
 * An error about the request's wire form alone, that no core code stands for: an `Accept` asking for a
 * representation version the service does not have (415), a request `Content-Type` a route does not take (415).
 */
export class SasWireError extends Error {
  readonly status: number;
  readonly errorCode: number;
  constructor(status: number, errorCode: number, message: string) {
    super(message);
    this.name = 'SasWireError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

/**
 * A method the path does not take (405, RFC 9110 section 15.5.6), as Spring MVC refuses it: `allow` lists the methods
 * the path does take, for the `Allow` header the answer must carry.
 */
export class SasMethodNotAllowed extends Error {
  readonly allow: readonly string[];
  constructor(method: string, allow: readonly string[]) {
    super(`Request method '${method}' is not supported: the path takes ${allow.join(', ')}.`);
    this.name = 'SasMethodNotAllowed';
    this.allow = allow;
  }
}

/** What a client can do about an answer of this status. */
function remediationOf(status: number): string {
  if (status === 401) return 'Get a token from /SASLogon/oauth/token and send it as Authorization: Bearer.';
  if (status === 403) return 'Ask the owner of the folder or project for access.';
  if (status === 404) return 'Check the identifier or the path.';
  if (status === 405) return 'Send one of the methods the Allow header lists.';
  if (status === 409) return 'Choose another name, or remove what is there first.';
  if (status === 412) return 'Read the resource again and send its current ETag in If-Match.';
  if (status === 428) return 'Send If-Match with the ETag the resource was read with.';
  if (status === 415) return 'Ask for a media type and version the service offers.';
  if (status >= 500) return 'Try again later; the server log has the details under the correlator.';
  return 'Correct the request and send it again.';
}

/** An error body: `details` name the request's path and its correlator (the request id, also in the log). */
export function sasErrorBody(status: number, errorCode: number, message: string, site: ErrorSite) {
  return {
    version: 2,
    httpStatusCode: status,
    errorCode,
    message,
    details: [`path: ${site.url.split('?')[0]}`, `correlator: ${site.requestId}`],
    remediation: remediationOf(status),
    errors: [],
    links: [],
  };
}

/** Renders any error in the SAS shape through `table`. */
export function sasErrorRenderer(table: ErrorTable): RenderError {
  return (err: unknown, site: ErrorSite): ErrorPage => {
    const page = (status: number, code: number, message: string, headers: Record<string, string> = {}) => ({
      status,
      headers,
      contentType: SAS_ERROR_TYPE,
      body: status === 304 ? undefined : JSON.stringify(sasErrorBody(status, code, message, site)),
    });
    if (err instanceof SasWireError) return page(err.status, err.errorCode, err.message);
    if (err instanceof SasMethodNotAllowed)
      return page(405, WIRE_ERRORS.methodNotAllowed, err.message, { allow: err.allow.join(', ') });
    if (err instanceof TransportError) return page(err.status, err.status * 100, err.message);
    const se = asStorageError(err);
    const { status, code } = table[se.code];
    const headers = coreErrorHeaders(se);
    if (status === 401) headers['www-authenticate'] = 'Bearer realm="SAS Logon"';
    return page(status, Number(code), status >= 500 ? ERROR_CODES[se.code] : se.message, headers);
  };
}
