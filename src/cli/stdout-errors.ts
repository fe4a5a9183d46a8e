// A failing write to standard output (a full disk: `mimeo ls > /dev/full`) told as one line, `mimeo: cannot write
// to standard output: no space left on device`, instead of the stack of an uncaught error (src/main.ts).

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EBADF: 'it is not open for writing',
  EROFS: 'read-only file system',
};

export function stdoutFailure(err: NodeJS.ErrnoException): string {
  const why = (err.code && WHY[err.code]) ?? err.message;
  return `mimeo: cannot write to standard output: ${why}\n`;
}
