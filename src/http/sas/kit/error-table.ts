// The statuses the SAS services give the core's codes, and their `errorCode` numbers: each service numbers its
// errors from its own base (the Files service's "file not found" is 11512), the offset of a code is the same in
// every service. A code missing here is a compile error.
import type { ErrorCode } from '../../../core/errors.ts';
import type { ErrorTable } from '../../common/dialect.ts';

const SAS: { readonly [C in ErrorCode]: readonly [status: number, offset: number] } = {
  AccessDenied: [403, 3],
  Unauthenticated: [401, 1],
  TokenExpired: [401, 2],
  InvalidCredentials: [401, 4],
  TooManyRequests: [429, 29],
  NoSuchProject: [404, 10],
  ProjectAlreadyExists: [409, 40],
  ProjectAlreadyOwnedByYou: [409, 41],
  ProjectNotEmpty: [409, 42],
  InvalidProjectName: [400, 60],
  NoSuchKey: [404, 12],
  NoSuchFile: [404, 13],
  NoSuchVersion: [404, 14],
  NoSuchSnapshot: [404, 15],
  NoSuchStream: [404, 16],
  NoSuchJob: [404, 17],
  NoSuchPrincipal: [404, 18],
  NoSuchAccessKey: [404, 19],
  NoSuchToken: [401, 5],
  NoSuchClient: [404, 20],
  InvalidClient: [401, 6],
  GrantNotAllowed: [403, 7],
  InvalidPath: [400, 61],
  KeyTooLong: [400, 62],
  InvalidArgument: [400, 63],
  InvalidRange: [416, 80],
  PreconditionFailed: [412, 81],
  NotModified: [304, 82],
  Conflict: [409, 43],
  IsADirectory: [400, 64],
  NotADirectory: [400, 65],
  NoSuchDirectory: [404, 21],
  DirectoryNotEmpty: [409, 44],
  NoSuchEntry: [404, 11],
  MethodNotAllowedOnDeleteMarker: [404, 22],
  ControlledDataInOpenProject: [403, 8],
  EntityTooLarge: [413, 83],
  IncompleteBody: [400, 66],
  BadDigest: [400, 67],
  InvalidDigest: [400, 68],
  InvalidTag: [400, 69],
  MetadataTooLarge: [400, 70],
  NoSuchUpload: [404, 23],
  InvalidPart: [400, 71],
  InvalidPartOrder: [400, 72],
  EntityTooSmall: [400, 73],
  JobNotActive: [409, 45],
  DataCorrupted: [500, 90],
  EncryptionKeyRequired: [400, 74],
  EncryptionKeyMismatch: [400, 75],
  EncryptionNotApplicable: [400, 76],
  InsecureTransport: [400, 77],
  NoSuchKmsKey: [404, 24],
  KmsKeyDisabled: [400, 78],
  NoSuchRoute: [404, 25],
  ServiceUnavailable: [503, 91],
  InsufficientStorage: [507, 92],
  SlowDown: [503, 93],
  InternalError: [500, 99],
};

/** A service's complete table: the SAS statuses, each code numbered `base + offset`. */
export function sasTable(base: number): ErrorTable {
  return Object.fromEntries(
    Object.entries(SAS).map(([code, [status, offset]]) => [code, { status, code: String(base + offset) }]),
  ) as unknown as ErrorTable;
}

/** Numbers of the errors that are about the wire form alone, the same in every service. */
export const WIRE_ERRORS = {
  /** A method the path does not take (405, with Allow). */
  methodNotAllowed: 40501,
  /** An Accept version or a request Content-Type the service does not take. */
  unsupportedMedia: 41501,
  /** An update sent without If-Match. */
  preconditionRequired: 42801,
} as const;
