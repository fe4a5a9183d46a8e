// Progress on a terminal: a bar per transfer in flight and one for the whole run (bytes or entries, rate, ETA), and
// a summary line at the end. When standard error is not a terminal, or under --json, nothing of the sort is drawn.
import cliProgress from 'cli-progress';
import { onInterrupt, type Signal } from './interrupt.ts';
import { bytes } from './output.ts';

export interface Bar {
  /** Adds `n` to the bar's value. */
  advance(n: number): void;
  /** Sets the bar's value (and its total, once it is known). */
  set(value: number, total?: number): void;
  /** Takes the bar off the screen (its count stays in the overall figure). */
  done(): void;
}

export interface Progress {
  /** A bar for one item of `total` units (bytes unless the progress counts entries). */
  bar(name: string, total: number): Bar;
  /** Ends the display and prints `summary` (on a terminal only). */
  finish(summary: string): void;
}

const NONE: Bar = { advance() {}, set() {}, done() {} };

/** What becomes of the work when the command is interrupted: a transfer resumes, a job goes on on the server. */
const AFTER_INTERRUPT = {
  bytes: (s: Signal) => `the transfer was interrupted (${s}); run the same command again to resume it`,
  entries: (s: Signal) => `stopped watching (${s}); the job goes on on the server (mimeo jobs list shows it)`,
};

/** A progress display counting `unit`, drawn only when `enabled`. */
export function progress(enabled: boolean, unit: 'bytes' | 'entries', overallTotal?: number): Progress {
  if (!enabled) return { bar: () => NONE, finish() {} };
  const started = Date.now();
  const fmt = (n: number) => (unit === 'bytes' ? bytes(n) : `${n}`);
  const multi = new cliProgress.MultiBar(
    {
      format: (options, params, payload: { name: string }) => {
        const secs = Math.max((Date.now() - params.startTime) / 1000, 0.001);
        const rate = params.value / secs;
        const eta = rate > 0 && params.total > 0 ? Math.max(0, (params.total - params.value) / rate) : 0;
        const bar = cliProgress.Format.BarFormat(params.progress, options);
        const pct = `${Math.floor(params.progress * 100)}`.padStart(3);
        const rateText = unit === 'bytes' ? `${bytes(rate)}/s` : `${rate.toFixed(0)}/s`;
        return `${payload.name.slice(-28).padEnd(28)} ${bar} ${pct}% ${fmt(params.value)}/${fmt(params.total)} ${rateText} ETA ${eta.toFixed(0)}s`;
      },
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      fps: 10,
      stream: process.stderr,
      // Draw even when the terminal's type is unknown (as under `script`).
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const restore = onInterrupt(() => multi.stop(), AFTER_INTERRUPT[unit]);
  const total =
    overallTotal === undefined ? undefined : multi.create(Math.max(overallTotal, 1), 0, { name: 'total' });
  return {
    bar(name, size) {
      const b = multi.create(Math.max(size, 1), 0, { name });
      let at = 0;
      return {
        advance(n) {
          at += n;
          b.increment(n);
          total?.increment(n);
        },
        set(value, newTotal) {
          if (newTotal !== undefined) b.setTotal(Math.max(newTotal, 1));
          total?.increment(value - at);
          at = value;
          b.update(value);
        },
        done() {
          b.stop();
          multi.remove(b);
        },
      };
    },
    finish(summary) {
      total?.update(total.getTotal());
      multi.stop();
      restore();
      const secs = (Date.now() - started) / 1000;
      process.stderr.write(`${summary} in ${secs.toFixed(1)} s\n`);
    },
  };
}
