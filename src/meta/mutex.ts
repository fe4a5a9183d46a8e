// A FIFO async mutex: one holder at a time, waiters served in arrival order.

export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;

  /** Callers queued behind the holder. */
  get waiting(): number {
    return this.#waiting;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#waiting++;
    await previous;
    this.#waiting--;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
