// What an S3 command is: a name (S3's operation name) and a handler. The routing table decides which one runs.
import type { S3Context } from './context.ts';

export interface S3Command {
  /** S3's name for the operation, as in its API reference (PutObject, UploadPartCopy...). */
  name: string;
  handle(ctx: S3Context): Promise<unknown>;
}
