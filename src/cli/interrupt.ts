// Ctrl-C (SIGINT) or SIGTERM while progress bars are drawn: the bars hide the cursor and turn line wrap off, and a
// process ended by the signal would leave the terminal so. The handler puts both back, says in one line what became
// of the work, and exits as the signal would have (128 + its number: 130, 143).

/** What the terminal needs back: the cursor shown (ESC[?25h) and line wrap on (ESC[?7h), then a new line. */
export const RESTORE = '\x1b[?25h\x1b[?7h\n';

const NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;

export type Signal = keyof typeof NUMBER;

/** The text written to standard error on `signal`: the terminal restored, then what `what` says of the work. */
export const interruptedText = (signal: Signal, what: (signal: Signal) => string): string =>
  `${RESTORE}mimeo: ${what(signal)}\n`;

/**
 * Until the returned function is called, SIGINT and SIGTERM run `stop` (which ends the display), write
 * interruptedText to standard error and exit with 128 + the signal's number.
 */
export function onInterrupt(stop: () => void, what: (signal: Signal) => string): () => void {
  const handlers = (Object.keys(NUMBER) as Signal[]).map((signal) => {
    const handler = () => {
      try {
        stop();
      } finally {
        process.stderr.write(interruptedText(signal, what));
        process.exit(128 + NUMBER[signal]);
      }
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
