// The Seven Bridges dialect's error table and body: every core code as an HTTP status and an SBG code, rendered as
// {status, code, message, more_info}. No answer is ever a 503 with code 0: the SBG client reads that as maintenance
// and waits five minutes before each retry.
import { ERROR_CODES } from '../../core/errors.ts';
import { coreErrorHeaders, type ErrorTable } from '../common/dialect.ts';
import { type ErrorPage, type ErrorSite, TransportError } from '../common/error-page.ts';
import { asStorageError } from '../common/framework-errors.ts';

const e = (status: number, code: number) => ({ status, code: String(code) });
const UNAUTHORIZED = e(401, 2001);
const DENIED = e(403, 3001);
const NO_PROJECT = e(404, 3002);
const NO_FILE = e(404, 5002);
const CLASH = e(409, 5003);
const BAD_FILE = e(400, 5004);
const BAD = e(400, 9000);
const UNAVAILABLE = e(503, 1001);

export const SBG_ERRORS: ErrorTable = {
  AccessDenied: DENIED,
  Unauthenticated: UNAUTHORIZED,
  TokenExpired: UNAUTHORIZED,
  InvalidCredentials: UNAUTHORIZED,
  TooManyRequests: e(429, 1000),
  NoSuchProject: NO_PROJECT,
  ProjectAlreadyExists: e(409, 3003),
  ProjectAlreadyOwnedByYou: e(409, 3003),
  ProjectNotEmpty: e(409, 3003),
  InvalidProjectName: e(400, 3012),
  NoSuchKey: NO_FILE,
  NoSuchFile: NO_FILE,
  NoSuchVersion: NO_FILE,
  NoSuchSnapshot: NO_FILE,
  NoSuchStream: NO_FILE,
  NoSuchJob: e(404, 9404),
  NoSuchPrincipal: e(404, 2002),
  NoSuchAccessKey: e(404, 2002),
  NoSuchToken: e(404, 2002),
  NoSuchClient: e(404, 2002),
  InvalidClient: UNAUTHORIZED,
  GrantNotAllowed: DENIED,
  InvalidPath: BAD_FILE,
  KeyTooLong: BAD_FILE,
  InvalidArgument: BAD,
  InvalidRange: e(416, 9000),
  PreconditionFailed: e(412, 5003),
  NotModified: e(304, 9000),
  Conflict: CLASH,
  IsADirectory: BAD_FILE,
  NotADirectory: BAD_FILE,
  NoSuchDirectory: NO_FILE,
  DirectoryNotEmpty: CLASH,
  NoSuchEntry: NO_FILE,
  MethodNotAllowedOnDeleteMarker: NO_FILE,
  ControlledDataInOpenProject: e(403, 5001),
  EntityTooLarge: e(413, 9000),
  IncompleteBody: BAD,
  BadDigest: BAD,
  InvalidDigest: BAD,
  InvalidTag: BAD,
  MetadataTooLarge: BAD,
  NoSuchUpload: e(404, 5005),
  InvalidPart: e(400, 5006),
  InvalidPartOrder: e(400, 5006),
  EntityTooSmall: e(400, 5006),
  JobNotActive: e(409, 9000),
  DataCorrupted: e(500, 9999),
  EncryptionKeyRequired: DENIED,
  EncryptionKeyMismatch: DENIED,
  EncryptionNotApplicable: BAD,
  InsecureTransport: BAD,
  NoSuchKmsKey: NO_FILE,
  KmsKeyDisabled: DENIED,
  NoSuchRoute: e(404, 9404),
  ServiceUnavailable: UNAVAILABLE,
  InsufficientStorage: e(507, 4001),
  SlowDown: UNAVAILABLE,
  InternalError: e(500, 9999),
};

const MORE_INFO = 'https://docs.sevenbridges.com/docs/api-status-codes';

/** What the rate-limit headers say: mimeo does not limit SBG calls, and says so in SBG's terms on every answer. */
const RATE_LIMIT = 1000;

/** SBG's rate-limit headers, for every answer (the window resets every five minutes). */
export function rateLimitHeaders(now = Date.now()): Record<string, string> {
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(RATE_LIMIT),
    'x-ratelimit-reset': String(Math.ceil(now / 1000 / 300) * 300),
  };
}

/** An SBG error body. */
export function sbgErrorBody(status: number, code: number, message: string) {
  return { status, code, message, more_info: MORE_INFO };
}

/** Any error as SBG renders it. */
export function renderSbgError(err: unknown, _site: ErrorSite): ErrorPage {
  if (err instanceof TransportError) {
    return {
      status: err.status,
      headers: rateLimitHeaders(),
      contentType: 'application/json',
      body: JSON.stringify(sbgErrorBody(err.status, 9000, err.message)),
    };
  }
  const se = asStorageError(err);
  const { status, code } = SBG_ERRORS[se.code];
  const message = status >= 500 ? ERROR_CODES[se.code] : se.message;
  return {
    status,
    headers: { ...rateLimitHeaders(), ...coreErrorHeaders(se) },
    contentType: 'application/json',
    body: status === 304 ? undefined : JSON.stringify(sbgErrorBody(status, Number(code), message)),
  };
}
