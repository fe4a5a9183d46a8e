// The S3 error table: every core code maps to an S3 code and status, and S3's own codes are raised as S3Error.
import type { ErrorCode } from '../../core/errors.ts';
import { StorageError } from '../../core/errors.ts';

/** An error only the S3 protocol has (signatures, XML, multipart part rules...). */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(code: string, status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

export const S3_ERRORS: Record<ErrorCode, { code: string; status: number }> = {
  AccessDenied: { code: 'AccessDenied', status: 403 },
  Unauthenticated: { code: 'AccessDenied', status: 403 },
  TokenExpired: { code: 'ExpiredToken', status: 400 },
  InvalidCredentials: { code: 'InvalidAccessKeyId', status: 403 },
  NoSuchProject: { code: 'NoSuchBucket', status: 404 },
  ProjectAlreadyExists: { code: 'BucketAlreadyOwnedByYou', status: 409 },
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
  MethodNotAllowedOnDeleteMarker: { code: 'MethodNotAllowed', status: 405 },
  ControlledDataInOpenProject: { code: 'AccessDenied', status: 403 },
  EntityTooLarge: { code: 'EntityTooLarge', status: 400 },
  IncompleteBody: { code: 'IncompleteBody', status: 400 },
  BadDigest: { code: 'BadDigest', status: 400 },
  NoSuchUpload: { code: 'NoSuchUpload', status: 404 },
  InvalidPart: { code: 'InvalidPart', status: 400 },
  InvalidPartOrder: { code: 'InvalidPartOrder', status: 400 },
  EntityTooSmall: { code: 'EntityTooSmall', status: 400 },
  JobNotActive: { code: 'InvalidArgument', status: 400 },
  DataCorrupted: { code: 'InternalError', status: 500 },
  NoSuchRoute: { code: 'MethodNotAllowed', status: 405 },
  ServiceUnavailable: { code: 'ServiceUnavailable', status: 503 },
  SlowDown: { code: 'SlowDown', status: 503 },
  InternalError: { code: 'InternalError', status: 500 },
};

export interface RenderedError {
  code: string;
  status: number;
  message: string;
  headers: Record<string, string>;
}

/** Any error as S3 renders it. A server-side failure keeps its message out of the body. */
export function toS3Error(err: unknown): RenderedError {
  if (err instanceof S3Error)
    return { code: err.code, status: err.status, message: err.message, headers: err.headers };
  if (err instanceof StorageError) {
    const m = S3_ERRORS[err.code];
    const headers: Record<string, string> = {};
    if (err.code === 'InvalidRange' && typeof err.details['size'] === 'number')
      headers['content-range'] = `bytes */${err.details['size']}`;
    if (err.code === 'BadDigest' && err.details['algorithm'] === 'payload') {
      return {
        code: 'XAmzContentSHA256Mismatch',
        status: 400,
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
        headers,
      };
    }
    return {
      ...m,
      message: m.status >= 500 ? 'We encountered an internal error. Please try again.' : err.message,
      headers,
    };
  }
  return {
    code: 'InternalError',
    status: 500,
    message: 'We encountered an internal error. Please try again.',
    headers: {},
  };
}
