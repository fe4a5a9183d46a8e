// A worker for WorkerClient's tests: answers an echo with its thread's id, never answers a silent job, and exits
// with the code it is given.
import { parentPort, threadId } from 'node:worker_threads';

export type EchoJob = { id: number; op: 'echo' | 'silent' } | { op: 'exit'; code: number };

parentPort!.on('message', (job: EchoJob) => {
  if (job.op === 'exit') process.exit(job.code);
  if (job.op === 'echo') parentPort!.postMessage({ id: job.id, threadId });
});
