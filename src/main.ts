// The mimeo command: `mimeo serve`, `mimeo gc`, `mimeo scrub`, `mimeo user`, `mimeo key`, `mimeo token`, `mimeo client`,
// `mimeo kms`, `mimeo help`.

import { readFileSync } from 'node:fs';
import { ApiError } from './cli/client.ts';
import { ADMIN_USAGE, admin } from './cli/commands/admin.ts';
import { client } from './cli/commands/client.ts';
import { gc } from './cli/commands/gc.ts';
import { kmsRotate } from './cli/commands/kms.ts';
import { scrub } from './cli/commands/scrub.ts';
import { serve } from './cli/commands/serve.ts';
import { token } from './cli/commands/token.ts';
import { ConfigError, describeSettings, loadConfig, parseFlags } from './config/config.ts';

const USAGE = `usage: mimeo <command> [flags]

commands:
  serve    start the server (API on --api-port, default 9001)
  gc       run one garbage collection pass and print its report
  scrub    read every block back and check it; print the bad blocks (exit 1 when there are any)
  help     show this text
  version  print the version (also --version, -v)
${ADMIN_USAGE}

flags (each also MIMEO_<NAME> in the environment, or a key in the --config JSON file):
${describeSettings()
  .map((s) => `  ${s.flag.padEnd(22)} ${s.env}`)
  .join('\n')}
  --config FILE          MIMEO_CONFIG
`;

/** The version in package.json, the one place it is kept. */
function version(): string {
  const pkg = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version')) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const { flags, positional } = parseFlags(argv);
  const command = positional[0] ?? 'help';
  if (command === 'help' || flags['help']) {
    process.stdout.write(USAGE);
    return 0;
  }
  delete flags['help'];
  if (command === 'kms' && positional[1] === 'rotate') {
    if (positional.length > 2) throw new ConfigError('usage: mimeo kms rotate');
    await kmsRotate(loadConfig({ flags }));
    return 0;
  }
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (command === 'user' || command === 'key' || command === 'kms')
    return admin(command, positional.slice(1), flags, out);
  if (command === 'token') return token(positional.slice(1), flags, out);
  if (command === 'client') return client(positional.slice(1), flags, out);
  const config = loadConfig({ flags });
  if (command === 'serve') {
    await serve(config);
    return -1;
  }
  if (command === 'gc') {
    await gc(config);
    return 0;
  }
  if (command === 'scrub') return scrub(config);
  process.stderr.write(`mimeo: unknown command '${command}'\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof ApiError;
    const code = err instanceof ApiError && err.status > 0 ? `${err.code}: ` : '';
    process.stderr.write(`mimeo: ${code}${known ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
