// The aws CLI from Debian's awscli package: where it is, and an environment that uses only what a test gives it.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CREDS } from './server.ts';

export const AWS = '/usr/bin/aws';
export const AWS_SKIP = existsSync(AWS)
  ? false
  : 'the aws CLI (Debian package awscli) is not installed: .ci/run installs it';

/** A config in `dir` (us-east-1, path-style addressing) and the root credentials; no other file is read. */
export async function awsCliEnv(dir: string): Promise<Record<string, string>> {
  const config = join(dir, 'config');
  await writeFile(config, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_ACCESS_KEY_ID: CREDS.MIMEO_ROOT_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: CREDS.MIMEO_ROOT_SECRET_KEY,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}
