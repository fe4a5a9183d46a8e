// Jobs as the CLI sees them: one line of text for a job, and watching one until it ends, with a bar of entries on a
// terminal. A job that failed or was aborted is an error (exit 1) with the job's own code.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiClient, ApiError, seg } from '../client.ts';
import type { Context } from '../context.ts';
import { bytes, shortTime } from '../output.ts';
import { progress } from '../progress.ts';

export interface JobJson {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'aborting' | 'succeeded' | 'failed' | 'aborted';
  progress: Record<string, unknown>;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

const ENDED = new Set(['succeeded', 'failed', 'aborted']);
export const ended = (j: JobJson) => ENDED.has(j.state);

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Entries done and (when the job knows it) the total, from a tree copy's or a tree delete's progress. */
export function entries(j: JobJson): { done: number; total: number | undefined } {
  const p = j.progress;
  const done = num(p['filesCopied']) ?? (num(p['filesDeleted']) ?? 0) + (num(p['directoriesDeleted']) ?? 0);
  return { done, total: num(p['filesTotal']) };
}

/** What a job has done, in words: `12/40 files, 3.4 KiB`. */
export function progressText(j: JobJson): string {
  const p = j.progress;
  const { done, total } = entries(j);
  const parts = [total === undefined ? `${done} entries` : `${done}/${total} files`];
  const b = num(p['bytesCopied']);
  if (b !== undefined) parts.push(bytes(b));
  return parts.join(', ');
}

/** One line for a job: `ID  KIND  STATE  PROGRESS  CREATED`, and the error of a failed one. */
export const jobLine = (j: JobJson) =>
  [
    j.id,
    j.kind,
    j.state,
    progressText(j),
    shortTime(j.createdAt),
    j.error ? `${j.error.code}: ${j.error.message}` : '',
  ]
    .join('  ')
    .trimEnd();

/**
 * Polls a job until it ends (every 100 ms at first, then up to every second), drawing a bar of entries on a
 * terminal. Returns the ended job when it succeeded; throws ApiError with the job's code when it failed or was
 * aborted.
 */
export async function watchJob(ctx: Context, api: ApiClient, first: JobJson): Promise<JobJson> {
  let job = first;
  const start = entries(job);
  const shown = progress(ctx.interactive, 'entries');
  const bar = shown.bar(job.kind, start.total ?? 1);
  let wait = 100;
  while (!ended(job)) {
    await sleep(wait);
    wait = Math.min(wait * 2, 1000);
    job = await api.call<JobJson>('GET', `/api/v1/jobs/${seg(job.id)}`);
    const e = entries(job);
    bar.set(e.done, e.total ?? Math.max(e.done, 1));
  }
  bar.done();
  shown.finish(`${job.kind} ${job.state}: ${progressText(job)}`);
  if (job.state === 'succeeded') return job;
  // The reply that told of the failure was a 200; the job's own code is what the user acts on.
  const error = job.error ?? { code: job.state === 'aborted' ? 'Aborted' : 'JobFailed', message: '' };
  throw new ApiError(
    200,
    error.code,
    `job ${job.id} ${job.state}${error.message ? `: ${error.message}` : ''}`,
  );
}
