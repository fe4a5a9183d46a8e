// What the transfer machinery shares: the run's settings, one file to move, and the server's view of a file.
import type { ApiClient } from '../client.ts';
import type { Progress } from '../progress.ts';
import type { Sums } from './checksums.ts';
import type { TransferState } from './state.ts';

export interface Run {
  api: ApiClient;
  /** The server's name as the command line gave it (undefined: the default), for output. */
  server: string | undefined;
  project: string;
  /** Verify checksums, not only sizes. */
  checksum: boolean;
  /** Files at once, and parts of one file at once. */
  parallel: number;
  /** Files larger than this go up in parts of `partSize`. */
  threshold: number;
  partSize: number;
  state: TransferState;
  progress: Progress;
}

/** One local file and the path it takes in the project. */
export interface PutJob {
  local: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** One remote file and the local path it takes. */
export interface GetJob {
  path: string;
  local: string;
  size: number;
}

/** The file JSON of the native API, as far as a transfer reads it. */
export interface FileJson {
  path: string;
  size: number;
  etag: string;
  versionId: string;
  checksums: Sums & Record<string, unknown>;
}

/** What --json prints for a file put. */
export interface PutResult {
  source: string;
  target: string;
  size: number;
  etag: string;
  versionId: string;
  checksums: FileJson['checksums'];
  /** A multipart upload's part count, and how many of them this run sent (fewer when it resumed). */
  parts?: number;
  partsSent?: number;
}
