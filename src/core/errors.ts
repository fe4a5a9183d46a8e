// The one error type the core throws: a string code, never an HTTP status. Each dialect maps every code.
import { BlockStoreFullError } from '../blocks/block-store.ts';
import { MetaStoreFullError, SerializationError, UnstorableTextError } from '../meta/meta-store.ts';

/** Every code the core can raise. Dialects map each one in their own complete table. */
export const ERROR_CODES = {
  AccessDenied: 'The principal lacks the role this operation needs.',
  Unauthenticated: 'No valid credentials were presented.',
  TokenExpired: 'The bearer token has expired.',
  InvalidCredentials: 'The credentials are wrong: an access key or secret, a name or password, or a token.',
  TooManyRequests: 'Too many failed sign-ins: wait for the time Retry-After gives.',
  NoSuchProject: 'The project does not exist.',
  ProjectAlreadyExists: 'Another principal owns a project with this name.',
  ProjectAlreadyOwnedByYou: 'The principal already owns a project with this name.',
  ProjectNotEmpty: 'The project still holds files.',
  InvalidProjectName: 'The project name breaks the naming rules.',
  NoSuchKey: 'No file exists at this path.',
  NoSuchFile: 'No file has this id.',
  NoSuchVersion: 'The version does not exist.',
  NoSuchSnapshot: 'The snapshot does not exist.',
  NoSuchStream: 'The named stream does not exist.',
  NoSuchJob: 'The job does not exist.',
  NoSuchPrincipal: 'The principal does not exist.',
  NoSuchAccessKey: 'The access key does not exist.',
  NoSuchToken: 'The personal token does not exist.',
  NoSuchClient: 'The OAuth client does not exist.',
  InvalidClient: 'The OAuth client is unknown or its secret is wrong.',
  GrantNotAllowed: 'The OAuth client may not use this grant.',
  InvalidPath: 'The path is not allowed.',
  KeyTooLong: 'The path is longer than the limit.',
  InvalidArgument: 'An argument is malformed or out of range.',
  InvalidRange: 'The requested range is not satisfiable.',
  PreconditionFailed: 'A precondition did not hold.',
  NotModified: 'The resource has not been modified.',
  Conflict: 'The target already exists and the conflict policy is fail.',
  IsADirectory: 'The path names a directory, not a file.',
  NotADirectory: 'The path names a file, not a directory.',
  NoSuchDirectory: 'No directory exists at this path.',
  DirectoryNotEmpty: 'The directory still holds files or directories.',
  NoSuchEntry: 'No file or directory has this id.',
  MethodNotAllowedOnDeleteMarker: 'The version is a delete marker.',
  ControlledDataInOpenProject: 'Controlled data cannot be copied into an open project.',
  EntityTooLarge: 'The body is larger than the limit.',
  IncompleteBody: 'The body ended before its declared length.',
  BadDigest: 'The body does not match its declared checksum.',
  InvalidDigest: 'The declared digest is not a well-formed digest.',
  InvalidTag: 'A tag set breaks the limits on tag count, key or value length.',
  MetadataTooLarge: 'The user metadata or properties are larger than their limit.',
  NoSuchUpload: 'The multipart upload does not exist.',
  InvalidPart: 'A listed part is missing or its ETag does not match.',
  InvalidPartOrder: 'The parts are not in ascending order.',
  EntityTooSmall: 'A part is smaller than the minimum part size.',
  JobNotActive: 'The job has already ended.',
  DataCorrupted: 'Stored data failed its integrity check.',
  EncryptionKeyRequired: 'The object is encrypted with a customer key, which the request must give.',
  EncryptionKeyMismatch: 'The customer key given is not the one the object is encrypted with.',
  EncryptionNotApplicable: 'The object is not encrypted with a customer key; do not send one.',
  InsecureTransport: 'Customer keys are accepted only over TLS.',
  NoSuchKmsKey: 'The KMS key does not exist.',
  KmsKeyDisabled: 'The KMS key is disabled.',
  NoSuchRoute: 'No operation exists at this method and path.',
  ServiceUnavailable: 'The server is shutting down or overloaded.',
  InsufficientStorage: 'There is no room left to store data; deleting some makes room.',
  SlowDown: 'Too many large transfers are under way: retry after a short wait.',
  InternalError: 'An internal error occurred.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface StorageErrorOptions {
  resource?: string;
  cause?: unknown;
  /** Extra facts a dialect may render (for example the object size for a 416). */
  details?: Record<string, unknown>;
}

export class StorageError extends Error {
  readonly code: ErrorCode;
  readonly resource: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options: StorageErrorOptions = {}) {
    super(message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.resource = options.resource;
    this.details = options.details ?? {};
  }
}

/** A path that names a directory (it ends in '/', or a directory is wanted) where a file is. */
export const notADirectory = (path: string) =>
  new StorageError('NotADirectory', `'${path}' is a file, not a directory.`, { resource: path });

export function isStorageError(err: unknown, code?: ErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/** Whether `err` says that a store had no room: a full disk or a spent quota, raised by a store or by the core. */
export function isOutOfSpace(err: unknown): boolean {
  return (
    err instanceof BlockStoreFullError ||
    err instanceof MetaStoreFullError ||
    isStorageError(err, 'InsufficientStorage')
  );
}

/**
 * Any error as the core reports it: a store that had no room is InsufficientStorage, whichever store it was; a
 * transaction that could not be serialized through its retries is ServiceUnavailable; a NUL character that
 * PostgreSQL cannot store is InvalidArgument; every other error is returned as it is. Dialects render what this returns.
 */
export function coreError(err: unknown): unknown {
  if (err instanceof BlockStoreFullError || err instanceof MetaStoreFullError)
    return new StorageError('InsufficientStorage', undefined, { cause: err });
  if (err instanceof UnstorableTextError)
    return new StorageError('InvalidArgument', 'A name or value holds a NUL character.', { cause: err });
  // Conflicting writes that kept colliding through every retry: nothing was written, and a retry soon may pass.
  if (err instanceof SerializationError)
    return new StorageError(
      'ServiceUnavailable',
      'Concurrent writes to the same entries kept conflicting with this one; nothing was written: retry it.',
      { cause: err, details: { retryAfterSeconds: 1 } },
    );
  return err;
}

/**
 * An error that belongs to one item of a batch (a name, a permission, a missing source), which the batch reports
 * for that item and goes on; undefined for a server's fault (no room, overload, a bug), which stops the batch.
 */
export function itemError(err: unknown): StorageError | undefined {
  const e = coreError(err);
  if (!isStorageError(e)) return undefined;
  return ['InternalError', 'ServiceUnavailable', 'InsufficientStorage', 'DataCorrupted'].includes(e.code)
    ? undefined
    : e;
}
