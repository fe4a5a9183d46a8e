// The SAS dialect's error table and body. SAS Logon answers as an OAuth 2.0 server does (RFC 6749 section 5.2):
// `{"error": "invalid_grant", "error_description": "..."}` with `Content-Type: application/json`. No answer is a
// 403 or a 449 for a problem with credentials: on those @sasjs/adapter looks for a CSRF header and retries.
import { ERROR_CODES } from '../../../core/errors.ts';
import { coreErrorHeaders, type ErrorTable } from '../../common/dialect.ts';
import { type ErrorPage, type ErrorSite, TransportError } from '../../common/error-page.ts';
import { asStorageError } from '../../common/framework-errors.ts';
import { SasMethodNotAllowed } from '../kit/errors.ts';

const e = (status: number, code: string) => ({ status, code });
const INVALID_REQUEST = e(400, 'invalid_request');
const INVALID_GRANT = e(400, 'invalid_grant');
const INVALID_CLIENT = e(401, 'invalid_client');
const UNAUTHORIZED_CLIENT = e(400, 'unauthorized_client');
const NOT_FOUND = e(404, 'not_found');
const SERVER_ERROR = e(500, 'server_error');
const UNAVAILABLE = e(503, 'temporarily_unavailable');

/**
 * Every core code as an OAuth error. A wrong password and a refresh token that is unknown, used, foreign or expired
 * are invalid_grant (400); a client that does not authenticate is invalid_client (401); a client without the grant
 * is unauthorized_client (400); every other client mistake is invalid_request (400).
 */
export const SAS_LOGON_ERRORS: ErrorTable = {
  AccessDenied: UNAUTHORIZED_CLIENT,
  Unauthenticated: INVALID_CLIENT,
  TokenExpired: INVALID_GRANT,
  InvalidCredentials: INVALID_GRANT,
  TooManyRequests: e(429, 'temporarily_unavailable'),
  NoSuchProject: NOT_FOUND,
  ProjectAlreadyExists: INVALID_REQUEST,
  ProjectAlreadyOwnedByYou: INVALID_REQUEST,
  ProjectNotEmpty: INVALID_REQUEST,
  InvalidProjectName: INVALID_REQUEST,
  NoSuchKey: NOT_FOUND,
  NoSuchFile: NOT_FOUND,
  NoSuchVersion: NOT_FOUND,
  NoSuchSnapshot: NOT_FOUND,
  NoSuchStream: NOT_FOUND,
  NoSuchJob: NOT_FOUND,
  NoSuchPrincipal: INVALID_GRANT,
  NoSuchAccessKey: INVALID_GRANT,
  NoSuchToken: INVALID_GRANT,
  NoSuchClient: INVALID_CLIENT,
  InvalidClient: INVALID_CLIENT,
  GrantNotAllowed: UNAUTHORIZED_CLIENT,
  InvalidPath: INVALID_REQUEST,
  KeyTooLong: INVALID_REQUEST,
  InvalidArgument: INVALID_REQUEST,
  InvalidRange: e(416, 'invalid_request'),
  PreconditionFailed: e(412, 'invalid_request'),
  NotModified: e(304, 'not_modified'),
  Conflict: e(409, 'invalid_request'),
  IsADirectory: INVALID_REQUEST,
  NotADirectory: INVALID_REQUEST,
  NoSuchDirectory: NOT_FOUND,
  DirectoryNotEmpty: e(409, 'invalid_request'),
  NoSuchEntry: NOT_FOUND,
  MethodNotAllowedOnDeleteMarker: NOT_FOUND,
  ControlledDataInOpenProject: UNAUTHORIZED_CLIENT,
  EntityTooLarge: INVALID_REQUEST,
  IncompleteBody: INVALID_REQUEST,
  BadDigest: INVALID_REQUEST,
  InvalidDigest: INVALID_REQUEST,
  InvalidTag: INVALID_REQUEST,
  MetadataTooLarge: INVALID_REQUEST,
  NoSuchUpload: NOT_FOUND,
  InvalidPart: INVALID_REQUEST,
  InvalidPartOrder: INVALID_REQUEST,
  EntityTooSmall: INVALID_REQUEST,
  JobNotActive: e(409, 'invalid_request'),
  DataCorrupted: SERVER_ERROR,
  EncryptionKeyRequired: INVALID_REQUEST,
  EncryptionKeyMismatch: INVALID_REQUEST,
  EncryptionNotApplicable: INVALID_REQUEST,
  InsecureTransport: INVALID_REQUEST,
  NoSuchKmsKey: NOT_FOUND,
  KmsKeyDisabled: INVALID_REQUEST,
  NoSuchRoute: NOT_FOUND,
  ServiceUnavailable: UNAVAILABLE,
  InsufficientStorage: e(507, 'server_error'),
  SlowDown: UNAVAILABLE,
  InternalError: SERVER_ERROR,
};

/**
 * An OAuth error that no core code stands for, because it is about the request's wire form alone (a grant_type
 * the endpoint does not serve): rendered with its own `error` and status.
 */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, status: number, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
  }
}

/** What every SAS Logon answer carries: tokens and their errors are never cached (RFC 6749 section 5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

const page = (status: number, headers: Record<string, string>, error: string, description: string) => ({
  status,
  headers: { ...NO_STORE, ...headers },
  contentType: 'application/json',
  body: JSON.stringify({ error, error_description: description }),
});

/** Any error as SAS Logon renders it; a 401 names Basic, the client authentication it takes (RFC 6749 5.2). */
export function renderSasLogonError(err: unknown, _site: ErrorSite): ErrorPage {
  if (err instanceof OAuthError) return page(err.status, {}, err.error, err.message);
  // Another method on the endpoint: the `error` Spring Security OAuth's token endpoint gives it, and the Allow header
  // a 405 must carry (RFC 9110 section 15.5.6).
  if (err instanceof SasMethodNotAllowed)
    return page(405, { allow: err.allow.join(', ') }, 'method_not_allowed', err.message);
  if (err instanceof TransportError) return page(err.status, {}, 'invalid_request', err.message);
  const se = asStorageError(err);
  const { status, code } = SAS_LOGON_ERRORS[se.code];
  const headers = coreErrorHeaders(se);
  if (status === 401) headers['www-authenticate'] = 'Basic realm="SASLogon"';
  const p = page(status, headers, code, status >= 500 ? ERROR_CODES[se.code] : se.message);
  return status === 304 ? { ...p, body: undefined } : p;
}
