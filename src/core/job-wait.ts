// Waiting for a job to end, for an operation whose answer must come after its work has committed (a file API's
// directory copy). It polls the job's row, so it sees a job that a runner on any node runs.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreDeps } from './deps.ts';
import { ERROR_CODES, type ErrorCode, StorageError } from './errors.ts';
import { type Job, readJob } from './jobs.ts';

const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 200;

/**
 * Resolves with the job once it has succeeded. Throws the job's own error when it failed (its core code, so the
 * caller's dialect maps it as if the work had run in the request), InternalError when it was aborted or vanished, and
 * the signal's reason when the signal ends the wait (the job goes on).
 */
export async function waitForJob(
  deps: CoreDeps,
  jobId: string,
  options: { signal?: AbortSignal } = {},
): Promise<Job> {
  let pause = FIRST_POLL_MS;
  for (;;) {
    options.signal?.throwIfAborted();
    const job = await deps.meta.tx((tx) => readJob(tx, jobId), { readOnly: true });
    if (!job) throw new StorageError('InternalError', `The job '${jobId}' vanished.`);
    if (job.state === 'succeeded') return job;
    if (job.state === 'failed') {
      const code = job.error?.code;
      const known = code !== undefined && Object.hasOwn(ERROR_CODES, code);
      throw new StorageError(known ? (code as ErrorCode) : 'InternalError', job.error?.message);
    }
    if (job.state === 'aborted') throw new StorageError('InternalError', `The job '${jobId}' was aborted.`);
    await sleep(pause, undefined, { signal: options.signal });
    pause = Math.min(MAX_POLL_MS, pause * 2);
  }
}
