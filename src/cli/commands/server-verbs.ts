// The commands that run against the stores themselves rather than through the API: serve, gc, scrub, kms.
import { loadConfig } from '../../config/config.ts';
import { settingFlags, withSettings } from '../options.ts';
import type { Verb } from '../verb.ts';
import { examples, kmsVerbs, noun } from './account-verbs.ts';
import { admin } from './admin.ts';
import { gc } from './gc.ts';
import { kmsRotate } from './kms.ts';
import { scrub } from './scrub.ts';
import { serve } from './serve.ts';

export const serveVerb: Verb = {
  command: 'serve',
  describe: 'start the server (API on --api-port, default 9001; S3 on --s3-port, default 9000)',
  builder: (y) =>
    withSettings(y)
      .example('mimeo serve', 'SQLite and blocks under ./data, S3 on 9000, the API on 9001')
      .example(
        'mimeo serve --meta postgres://db/mimeo --tls-cert c.pem --tls-key k.pem',
        'a node on PostgreSQL, HTTPS',
      ),
  handler: async (argv) => {
    await serve(loadConfig({ flags: settingFlags(argv) }));
  },
};

export const gcVerb: Verb = {
  command: 'gc',
  describe:
    'run one garbage collection pass and print its report (nothing younger than the grace period is freed)',
  builder: (y) => withSettings(y).example('mimeo gc --data ./data', 'one pass against the local stores'),
  handler: async (argv) => {
    await gc(loadConfig({ flags: settingFlags(argv) }));
  },
};

export const scrubVerb: Verb = {
  command: 'scrub',
  describe:
    'read every block back and check it; print the bad blocks and the files they hold (exit 1 when any)',
  builder: (y) => withSettings(y).example('mimeo scrub --data ./data', 'check every block; exit 1 on damage'),
  handler: async (argv) => {
    const code = await scrub(loadConfig({ flags: settingFlags(argv) }));
    if (code !== 0) process.exitCode = code;
  },
};

export const kmsVerb = noun(
  'kms',
  'KMS keys: list, create, disable, enable; rotate the master key',
  kmsVerbs,
  (words, flags, o) => admin('kms', words, flags, o),
  (y) => {
    y.command(
      'rotate',
      'against the stores: a new master KEK, every data key re-wrapped (no data is read)',
      (s) => examples(withSettings(s), 'kms', 'rotate'),
      async (argv) => kmsRotate(loadConfig({ flags: settingFlags(argv) })),
    );
  },
);
