// The mimeo command: the server (serve, gc, scrub, kms rotate), its accounts (user, key, token, client, kms) and the
// client verbs; `mimeo help` lists them all (src/cli/parser.ts).
import { ApiError, errorText } from './cli/client.ts';
import { buildParser } from './cli/parser.ts';
import { PathError } from './cli/remote.ts';
import { stdoutFailure } from './cli/stdout-errors.ts';
import { FileChangedError } from './cli/transfer/send-range.ts';
import { UsageError } from './cli/verb.ts';
import { ConfigError } from './config/config.ts';

/** One line for an error a user can act on; a stack only for what is a fault in mimeo itself. */
function report(err: unknown): number {
  const usage = err instanceof UsageError || err instanceof ConfigError || err instanceof PathError;
  // A local file the system refused (EACCES, EEXIST, ENOTDIR...) is the user's to mend, not a fault in mimeo.
  const local = typeof (err as NodeJS.ErrnoException)?.syscall === 'string';
  const known = usage || local || err instanceof ApiError || err instanceof FileChangedError;
  const text = known ? errorText(err as Error) : ((err as Error).stack ?? String(err));
  process.stderr.write(`mimeo: ${text}\n`);
  if (err instanceof UsageError) process.stderr.write('(mimeo help, or mimeo <command> --help, says more)\n');
  return usage ? 2 : 1;
}

// A reader that stops early (`mimeo ls -r :p | head`) closes the pipe: the output is done, not a fault. Any other
// failure to write the output (a full disk) is one line and exit status 1.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream !== process.stdout) throw err;
    process.stderr.write(stdoutFailure(err));
    process.exit(1);
  });

try {
  await buildParser(process.argv.slice(2)).parseAsync();
} catch (err) {
  process.exitCode = report(err);
}
