// What a command prints: one JSON object per line under --json, else text for people; sizes and dates for text.

export interface Output {
  readonly json: boolean;
  /** Prints one result: `value` as a line of JSON under --json, else the text `text` makes (nothing when ''). */
  result(value: unknown, text: () => string): void;
  /** A line for people only (never under --json), on standard error: warnings and notes. */
  note(text: string): void;
  /**
   * A line about the run that a script may want too: under --json `value` as one line of JSON among the results,
   * else `text` on standard error, as a note.
   */
  tell(value: unknown, text: string): void;
}

export function output(json: boolean, out: (s: string) => void = (s) => process.stdout.write(s)): Output {
  return {
    json,
    result(value, text) {
      if (json) out(`${JSON.stringify(value)}\n`);
      else {
        const t = text();
        if (t !== '') out(`${t}\n`);
      }
    },
    note(text) {
      if (!json) process.stderr.write(`${text}\n`);
    },
    tell(value, text) {
      if (json) out(`${JSON.stringify(value)}\n`);
      else process.stderr.write(`${text}\n`);
    },
  };
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[u]}`;
}

/** An ISO time as `2026-12-05 01:02`. */
export const shortTime = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** Rows of cells as aligned columns, the first row a header. */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `n` and a noun, plural unless n is 1: count(1, 'file') → "1 file", count(3, 'file') → "3 files". */
export const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;
