// Every dialect, listed once: the servers mount them from here, and the error document and the tests loop over it.
import type { Dialect } from './common/dialect.ts';
import type { NativeDeps } from './native/context.ts';
import { nativeDialect } from './native/plugin.ts';
import { qumuloDialect } from './qumulo/plugin.ts';
import type { S3Deps } from './s3/context.ts';
import { cosDialect } from './s3/cos/plugin.ts';
import { s3Dialect } from './s3/server.ts';
import { sasComputeDialect } from './sas/compute/plugin.ts';
import { sasFilesDialect } from './sas/files/plugin.ts';
import { sasLogonDialect } from './sas/logon/plugin.ts';
import { sbgDialect } from './sevenbridges/plugin.ts';

/** The API port's dialects (the file APIs join them here). */
export const API_DIALECTS: readonly Dialect<NativeDeps>[] = [
  nativeDialect,
  qumuloDialect,
  sbgDialect,
  sasLogonDialect,
  sasFilesDialect,
  sasComputeDialect,
];

/** The S3 port's dialects: S3 owns every path; COS claims its requests by Host or signature. */
export const S3_DIALECTS: readonly Dialect<S3Deps>[] = [s3Dialect, cosDialect];

export const DIALECTS: readonly Dialect<never>[] = [...API_DIALECTS, ...S3_DIALECTS];
