// A worker thread that answers requests by id: started on first use, never keeping the process alive while it
// has nothing to do, stopped after a second with nothing waiting and nothing held, and failing everything that
// waits on it if it dies. The md5 worker and the block worker are two of these.
import { Worker } from 'node:worker_threads';

/** A worker with nothing waiting and nothing held for this long stops, and gives back its memory. */
const IDLE_MS = 1000;

export class WorkerClient<Job, Reply extends { id: number }> {
  readonly #url: URL;
  readonly #name: string;
  readonly #onLost: () => void;
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  #next = 0;
  #holds = 0;
  /** Counts the workers started: a hold is released only on the worker it held. */
  #generation = 0;
  readonly #waiting = new Map<number, { resolve: (m: Reply) => void; reject: (e: unknown) => void }>();

  /** `onLost` runs when the worker dies: whatever state it held is gone with it. */
  constructor(url: URL, name: string, onLost: () => void = () => {}) {
    this.#url = url;
    this.#name = name;
    this.#onLost = onLost;
  }

  /** A new request id. */
  nextId(): number {
    return this.#next++;
  }

  /**
   * Keeps the worker running (started if none runs) until the returned function is called: it holds state between
   * requests. A release after that worker died does nothing (its holds died with it).
   */
  hold(): () => void {
    this.#running();
    this.#holds++;
    const generation = this.#generation;
    let held = true;
    return () => {
      if (!held || generation !== this.#generation) return;
      held = false;
      this.#holds--;
      this.#stopWhenIdle();
    };
  }

  /** Sends `job` (whose `id` is from nextId); resolves with the worker's reply of the same id. */
  request(job: Job & { id: number }, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const w = this.#running();
    return new Promise<Reply>((resolve, reject) => {
      this.#waiting.set(job.id, { resolve, reject });
      w.ref();
      try {
        w.postMessage(job, transfer);
      } catch (err) {
        // A job that cannot be sent (one that cannot be cloned) waits for nothing.
        this.#waiting.delete(job.id);
        if (this.#waiting.size === 0) w.unref();
        this.#stopWhenIdle();
        reject(err);
      }
    });
  }

  /** Sends `job` with no reply to wait for, to a worker held running. */
  post(job: Job): void {
    this.#worker?.postMessage(job);
  }

  #running(): Worker {
    clearTimeout(this.#idle);
    this.#worker ??= this.#start();
    return this.#worker;
  }

  #stopWhenIdle(): void {
    const w = this.#worker;
    if (!w || this.#waiting.size > 0 || this.#holds > 0) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      this.#worker = undefined;
      void w.terminate();
    }, IDLE_MS).unref();
  }

  #start(): Worker {
    this.#generation++;
    const w = new Worker(this.#url, { name: this.#name });
    w.unref();
    w.on('message', (m: Reply) => {
      const p = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) w.unref();
      this.#stopWhenIdle();
      p?.resolve(m);
    });
    const fail = (err: unknown) => {
      // A worker stopped for idleness is no longer this.#worker, and had nothing waiting.
      if (this.#worker !== w) return;
      this.#worker = undefined;
      this.#holds = 0;
      for (const p of this.#waiting.values()) p.reject(err);
      this.#waiting.clear();
      this.#onLost();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`${this.#name} worker exited with ${code}`)));
    return w;
  }
}
