// The S3 error table: every core code maps to an S3 code and status, and S3's own codes are raised as S3Error.
import { ERROR_CODES } from '../../core/errors.ts';
import { coreErrorHeaders, type ErrorTable } from '../common/dialect.ts';
import { TransportError } from '../common/error-page.ts';
import { asStorageError } from '../common/framework-errors.ts';

/** An error only the S3 protocol has (signatures, XML, multipart part rules...). */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Elements of the `<Error>` body besides Code and Message (S3's `<Region>` of a wrong-region signature). */
  readonly fields: Record<string, string>;
  constructor(
    code: string,
    status: number,
    message: string,
    extra: { headers?: Record<string, string>; fields?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.headers = extra.headers ?? {};
    this.fields = extra.fields ?? {};
  }
}

export const S3_ERRORS: ErrorTable = {
  AccessDenied: { code: 'AccessDenied', status: 403 },
  Unauthenticated: { code: 'AccessDenied', status: 403 },
  TokenExpired: { code: 'ExpiredToken', status: 400 },
  InvalidCredentials: { code: 'InvalidAccessKeyId', status: 403 },
  // S3 asks a client to slow down with 503 SlowDown, which the SDKs retry with backoff.
  TooManyRequests: { code: 'SlowDown', status: 503 },
  NoSuchProject: { code: 'NoSuchBucket', status: 404 },
  ProjectAlreadyExists: { code: 'BucketAlreadyExists', status: 409 },
  ProjectAlreadyOwnedByYou: { code: 'BucketAlreadyOwnedByYou', status: 409 },
  ProjectNotEmpty: { code: 'BucketNotEmpty', status: 409 },
  InvalidProjectName: { code: 'InvalidBucketName', status: 400 },
  NoSuchKey: { code: 'NoSuchKey', status: 404 },
  NoSuchFile: { code: 'NoSuchKey', status: 404 },
  NoSuchVersion: { code: 'NoSuchVersion', status: 404 },
  NoSuchSnapshot: { code: 'InvalidArgument', status: 400 },
  NoSuchStream: { code: 'InvalidArgument', status: 400 },
  NoSuchJob: { code: 'InvalidArgument', status: 400 },
  NoSuchPrincipal: { code: 'InvalidArgument', status: 400 },
  NoSuchAccessKey: { code: 'InvalidArgument', status: 400 },
  NoSuchToken: { code: 'InvalidArgument', status: 400 },
  NoSuchClient: { code: 'InvalidArgument', status: 400 },
  InvalidClient: { code: 'AccessDenied', status: 403 },
  GrantNotAllowed: { code: 'AccessDenied', status: 403 },
  EncryptionKeyRequired: { code: 'InvalidRequest', status: 400 },
  EncryptionKeyMismatch: { code: 'AccessDenied', status: 403 },
  EncryptionNotApplicable: { code: 'InvalidRequest', status: 400 },
  InsecureTransport: { code: 'InvalidRequest', status: 400 },
  NoSuchKmsKey: { code: 'KMS.NotFoundException', status: 400 },
  KmsKeyDisabled: { code: 'KMS.DisabledException', status: 400 },
  InvalidPath: { code: 'InvalidArgument', status: 400 },
  KeyTooLong: { code: 'KeyTooLongError', status: 400 },
  InvalidArgument: { code: 'InvalidArgument', status: 400 },
  InvalidRange: { code: 'InvalidRange', status: 416 },
  PreconditionFailed: { code: 'PreconditionFailed', status: 412 },
  NotModified: { code: 'NotModified', status: 304 },
  Conflict: { code: 'OperationAborted', status: 409 },
  IsADirectory: { code: 'InvalidArgument', status: 400 },
  NotADirectory: { code: 'InvalidArgument', status: 400 },
  NoSuchDirectory: { code: 'NoSuchKey', status: 404 },
  DirectoryNotEmpty: { code: 'OperationAborted', status: 409 },
  NoSuchEntry: { code: 'NoSuchKey', status: 404 },
  MethodNotAllowedOnDeleteMarker: { code: 'MethodNotAllowed', status: 405 },
  ControlledDataInOpenProject: { code: 'AccessDenied', status: 403 },
  EntityTooLarge: { code: 'EntityTooLarge', status: 400 },
  IncompleteBody: { code: 'IncompleteBody', status: 400 },
  BadDigest: { code: 'BadDigest', status: 400 },
  InvalidDigest: { code: 'InvalidDigest', status: 400 },
  InvalidTag: { code: 'InvalidTag', status: 400 },
  MetadataTooLarge: { code: 'MetadataTooLarge', status: 400 },
  NoSuchUpload: { code: 'NoSuchUpload', status: 404 },
  InvalidPart: { code: 'InvalidPart', status: 400 },
  InvalidPartOrder: { code: 'InvalidPartOrder', status: 400 },
  EntityTooSmall: { code: 'EntityTooSmall', status: 400 },
  JobNotActive: { code: 'InvalidArgument', status: 400 },
  DataCorrupted: { code: 'InternalError', status: 500 },
  NoSuchRoute: { code: 'MethodNotAllowed', status: 405 },
  ServiceUnavailable: { code: 'ServiceUnavailable', status: 503 },
  // S3 defines no code for a full store; 507 (RFC 4918) is not retried by the SDKs, so clients report it at once.
  InsufficientStorage: { code: 'InsufficientStorage', status: 507 },
  SlowDown: { code: 'SlowDown', status: 503 },
  InternalError: { code: 'InternalError', status: 500 },
};

const INTERNAL = 'We encountered an internal error. Please try again.';

export interface RenderedError {
  code: string;
  status: number;
  message: string;
  headers: Record<string, string>;
  fields: Record<string, string>;
}

/**
 * Any error as S3 renders it (or a relative, through its own table): framework errors by their meaning, and a
 * server-side failure without its message.
 */
export function toS3Error(err: unknown, table: ErrorTable = S3_ERRORS): RenderedError {
  if (err instanceof S3Error)
    return {
      code: err.code,
      status: err.status,
      message: err.message,
      headers: err.headers,
      fields: err.fields,
    };
  if (err instanceof TransportError)
    return { code: err.code, status: err.status, message: err.message, headers: {}, fields: {} };
  const se = asStorageError(err);
  const m = table[se.code];
  const headers = coreErrorHeaders(se);
  if (se.details['deleteMarker'] === true) {
    // A read that met a delete marker says so, with the marker's id and date (S3's 404 and 405).
    headers['x-amz-delete-marker'] = 'true';
    headers['x-amz-version-id'] = String(se.details['versionId']);
    headers['last-modified'] = new Date(Number(se.details['modifiedAt'])).toUTCString();
  }
  if (se.code === 'BadDigest' && se.details['algorithm'] === 'payload') {
    return {
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      headers,
      fields: {},
    };
  }
  return {
    ...m,
    // A 500 says only that it happened; another 5xx (no room, shutting down) gives its code's description.
    message: m.status === 500 ? INTERNAL : m.status > 500 ? ERROR_CODES[se.code] : se.message,
    headers,
    fields: {},
  };
}
