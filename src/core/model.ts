// The core's data types: principals, projects, files, versions, extents, receipts.

export const ROLES = ['read', 'copy', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Versioning = 'off' | 'enabled' | 'suspended';
export type DataClass = 'open' | 'controlled';
export type ConflictPolicy = 'fail' | 'overwrite' | 'rename';
export type MetadataDirective = 'copy' | 'replace' | 'merge';

/**
 * S3's canned ACLs. On a project they grant a group listing (READ) and writing objects (WRITE), never reading them;
 * on a version, reading that version. What each grants is in permissions.ts.
 */
export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** Server-side encryption as S3 names it; null is none (the data is still encrypted at rest). */
export type Sse = 'AES256' | 'aws:kms' | 'SSE-C';

/** How a new version's data keys are wrapped: under the master KEK, a KMS key or the customer's key. */
export interface Protection {
  sse: Sse | null;
  kmsKey?: string;
  customerKey?: Buffer;
  customerKeyMd5?: string;
}

/** What a reader brings to open protected data: the customer's key for SSE-C. */
export interface Unlock {
  customerKey?: Buffer;
}

export interface Principal {
  id: string;
  name: string;
  isRoot: boolean;
  isAdmin: boolean;
  /** A request without credentials: it holds no role but what an ACL grants everyone. */
  isAnonymous?: boolean;
}

export interface Project {
  id: string;
  name: string;
  ownerId: string;
  versioning: Versioning;
  dataClass: DataClass;
  acl: CannedAcl;
  /** Bucket default encryption: what a write without SSE headers gets. */
  defaultSse: Sse | null;
  defaultSseKey: string | null;
  createdAt: number;
  /** Its number: a project is a top-level directory of the file dialects' tree (see entry-ids.ts). */
  number: number;
}

/** Checksums of a version's default stream. md5 and sha256 are hex, crc64nvme is base64 (as S3 sends it). */
export interface Checksums {
  md5?: string;
  sha256?: string;
  crc64nvme?: string;
  /** Base64, present when the writer asked for them. */
  crc32?: string;
  crc32c?: string;
  sha1?: string;
  /**
   * The checksum a multipart upload asked for as COMPOSITE: its algorithm's digest of the parts' digests, base64
   * followed by "-N". Present, it is the object's checksum of that algorithm (S3 shows one checksum then).
   */
  composite?: { algorithm: string; value: string };
}

export interface Lineage {
  fileId: string;
  versionId: string;
  etag: string;
  project: string;
  path: string;
}

export interface VersionInfo {
  /** Internal row id. */
  rowId: string;
  fileId: string;
  project: string;
  projectId: string;
  path: string;
  /** The id a client names: random, or "null" for a version written while versioning was off or suspended. */
  versionId: string;
  isLatest: boolean;
  seq: number;
  size: number;
  etag: string;
  checksums: Checksums;
  contentType: string | null;
  contentDisposition: string | null;
  contentEncoding: string | null;
  cacheControl: string | null;
  expires: string | null;
  userMetadata: Record<string, string>;
  tags: Record<string, string>;
  properties: Record<string, string>;
  deleteMarker: boolean;
  lineage: Lineage | null;
  /** Sizes of the parts of a multipart upload, in order; null for anything else. */
  partSizes: number[] | null;
  /** The version's canned ACL; null is private. */
  acl: CannedAcl | null;
  sse: Sse | null;
  /** The KMS key name for aws:kms, the customer key's MD5 (base64) for SSE-C. */
  sseKey: string | null;
  createdBy: string;
  createdAt: number;
  modifiedBy: string;
  modifiedAt: number;
  /** When it expires (ms since the epoch): from then on its file is gone. Null: never. */
  expiresAt: number | null;
  /** Named streams of this version, with their sizes; the default stream is "". */
  streams: Record<string, { manifestId: string; size: number }>;
}

export interface Extent {
  fileOffset: number;
  length: number;
  blockId: string;
  blockOffset: number;
}

/** Content-describing attributes a writer may set. */
export interface ContentAttributes {
  contentType?: string | null;
  contentDisposition?: string | null;
  contentEncoding?: string | null;
  cacheControl?: string | null;
  expires?: string | null;
  userMetadata?: Record<string, string>;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  acl?: CannedAcl | null;
  sse?: Sse | null;
  sseKey?: string | null;
}

/** What a copy did: the proof a client keeps. */
export interface CopyReceipt {
  mode: 'reference' | 'data';
  source: {
    project: string;
    path: string;
    fileId: string;
    versionId: string;
    /** The row id of the version read (see Conditions.ifVersion). */
    versionRow: string;
    etag: string;
    stream: string;
  };
  target: {
    project: string;
    path: string;
    fileId: string;
    versionId: string;
    /** The row id of the version written. */
    versionRow: string;
    etag: string;
    stream: string;
    sse: Sse | null;
    sseKey: string | null;
    /** When the target version was made: its Last-Modified. */
    modifiedAt: number;
  };
  bytes: number;
  checksums: Checksums;
  /** Present when a bounded range copy stopped early: send it again to copy the rest. */
  remainder?: CopyRequest;
}

export interface SourceRef {
  project: string;
  path?: string;
  id?: string;
  versionId?: string;
  snapshot?: string;
  stream?: string;
  offset?: number;
  length?: number;
  /** Entity tags, any of which matches (RFC 9110 lists); checked in the copy's transaction. */
  ifMatch?: string[];
  ifNoneMatch?: string[];
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  /** Versions by row id, any of which matches (see Conditions.ifVersion). */
  ifVersion?: string[];
  /** What the request calls ifVersion, for a refusal to name it (see Conditions.ifVersionFrom). */
  ifVersionFrom?: string;
}

export interface TargetRef {
  project: string;
  path: string;
  stream?: string;
  offset?: number;
  ifMatch?: string[];
  ifNoneMatch?: string[];
  /** Versions by row id, any of which matches (see Conditions.ifVersion). */
  ifVersion?: string[];
  /** The file the target must still be (see Conditions.fileId). */
  fileId?: string;
}

export interface CopyRequest {
  source: SourceRef;
  target: TargetRef;
  conflict?: ConflictPolicy;
  /**
   * Content attributes, user metadata and properties: `copy` keeps the source's, `replace` takes the request's,
   * `merge` overlays them. Under `replace`, properties the request does not give are kept: they belong to the
   * APIs that set them. Tags follow this directive too unless `tagging` is given.
   */
  metadata?: { directive: MetadataDirective } & ContentAttributes;
  /** Tags by a directive of their own (S3's x-amz-tagging-directive). */
  tagging?: { directive: 'copy' | 'replace'; tags?: Record<string, string> };
  /** The new version's ACL; a whole copy never takes the source's (null: private). */
  acl?: CannedAcl | null;
  /** The new version's protection; unset: the target project's default encryption. */
  protection?: Protection;
  /** The source's customer key, for an SSE-C source. */
  unlock?: Unlock;
}
