// The Qumulo dialect's error table and body: every core code as a status and an `error_class`, rendered as the
// JSON object the Qumulo clients read ({module, error_class, description, stack, user_visible}).
import { ERROR_CODES } from '../../core/errors.ts';
import { coreErrorHeaders, type ErrorTable } from '../common/dialect.ts';
import { type ErrorPage, type ErrorSite, TransportError } from '../common/error-page.ts';
import { asStorageError } from '../common/framework-errors.ts';

const e = (status: number, code: string) => ({ status, code });
const NOT_FOUND = e(404, 'fs_no_such_entry_error');
const DENIED = e(403, 'fs_access_denied_error');
const UNAUTHORIZED = e(401, 'auth_not_authorized_error');
const INVALID = e(400, 'rest_invalid_request_error');
const BAD_NAME = e(400, 'fs_invalid_name_error');
const EXISTS = e(409, 'fs_entry_exists_error');
const INTERNAL = e(500, 'rest_internal_error');
const UNAVAILABLE = e(503, 'rest_service_unavailable_error');

export const QUMULO_ERRORS: ErrorTable = {
  AccessDenied: DENIED,
  Unauthenticated: UNAUTHORIZED,
  TokenExpired: UNAUTHORIZED,
  InvalidCredentials: UNAUTHORIZED,
  TooManyRequests: e(429, 'rest_too_many_requests_error'),
  NoSuchProject: NOT_FOUND,
  ProjectAlreadyExists: EXISTS,
  ProjectAlreadyOwnedByYou: EXISTS,
  ProjectNotEmpty: e(409, 'fs_not_empty_error'),
  InvalidProjectName: BAD_NAME,
  NoSuchKey: NOT_FOUND,
  NoSuchFile: NOT_FOUND,
  NoSuchVersion: NOT_FOUND,
  NoSuchSnapshot: e(404, 'rest_not_found_error'),
  NoSuchStream: NOT_FOUND,
  NoSuchJob: e(404, 'rest_not_found_error'),
  NoSuchPrincipal: e(404, 'rest_not_found_error'),
  NoSuchAccessKey: e(404, 'rest_not_found_error'),
  NoSuchToken: e(404, 'rest_not_found_error'),
  NoSuchClient: e(404, 'rest_not_found_error'),
  InvalidClient: UNAUTHORIZED,
  GrantNotAllowed: DENIED,
  InvalidPath: BAD_NAME,
  KeyTooLong: e(400, 'fs_name_too_long_error'),
  InvalidArgument: INVALID,
  InvalidRange: e(416, 'rest_invalid_request_error'),
  PreconditionFailed: e(412, 'rest_precondition_failed_error'),
  NotModified: e(304, 'rest_not_modified_error'),
  Conflict: EXISTS,
  IsADirectory: e(400, 'fs_is_directory_error'),
  NotADirectory: e(400, 'fs_not_a_directory_error'),
  NoSuchDirectory: NOT_FOUND,
  DirectoryNotEmpty: e(409, 'fs_not_empty_error'),
  NoSuchEntry: NOT_FOUND,
  MethodNotAllowedOnDeleteMarker: NOT_FOUND,
  ControlledDataInOpenProject: DENIED,
  EntityTooLarge: e(413, 'rest_request_too_large_error'),
  IncompleteBody: INVALID,
  BadDigest: INVALID,
  InvalidDigest: INVALID,
  InvalidTag: INVALID,
  MetadataTooLarge: INVALID,
  NoSuchUpload: NOT_FOUND,
  InvalidPart: INVALID,
  InvalidPartOrder: INVALID,
  EntityTooSmall: INVALID,
  JobNotActive: e(409, 'rest_conflict_error'),
  DataCorrupted: e(500, 'fs_data_corrupted_error'),
  EncryptionKeyRequired: DENIED,
  EncryptionKeyMismatch: DENIED,
  EncryptionNotApplicable: INVALID,
  InsecureTransport: INVALID,
  NoSuchKmsKey: NOT_FOUND,
  KmsKeyDisabled: DENIED,
  NoSuchRoute: e(404, 'http_not_found_error'),
  ServiceUnavailable: UNAVAILABLE,
  InsufficientStorage: e(507, 'fs_no_space_error'),
  SlowDown: UNAVAILABLE,
  InternalError: INTERNAL,
};

/** The module a class belongs to, by its prefix, as Qumulo names its services. */
function moduleOf(errorClass: string): string {
  const prefix = errorClass.slice(0, errorClass.indexOf('_'));
  return `qfsd.${prefix}`;
}

/** The Qumulo JSON error body; `description` says what went wrong (a server fault only says what kind). */
export function qumuloErrorBody(errorClass: string, description: string): string {
  return JSON.stringify({
    module: moduleOf(errorClass),
    error_class: errorClass,
    description,
    stack: [],
    user_visible: true,
  });
}

/** Any error as Qumulo renders it, with `Content-Type: application/json` exactly, as its clients require. */
export function renderQumuloError(err: unknown, _site: ErrorSite): ErrorPage {
  if (err instanceof TransportError) {
    const errorClass = err.status === 400 ? 'rest_invalid_request_error' : 'http_request_error';
    return {
      status: err.status,
      headers: {},
      contentType: 'application/json',
      body: qumuloErrorBody(errorClass, err.message),
    };
  }
  const se = asStorageError(err);
  const { status, code } = QUMULO_ERRORS[se.code];
  const description = status >= 500 ? ERROR_CODES[se.code] : se.message;
  return {
    status,
    headers: coreErrorHeaders(se),
    contentType: 'application/json',
    body: status === 304 ? undefined : qumuloErrorBody(code, description),
  };
}
