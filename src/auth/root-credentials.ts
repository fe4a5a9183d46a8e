// Root credentials: from configuration, or generated on first start and kept in the data directory (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newKeySecret } from '../core/ids.ts';
import type { RootCredentials } from './principals.ts';

export const ROOT_CREDENTIALS_FILE = 'root-credentials.json';

/**
 * Returns the root credentials and whether they were generated now (the caller prints them once).
 * Configured values win; otherwise the stored file is read, or created with fresh random values.
 */
export function loadRootCredentials(options: { dataDir: string; accessKey?: string; secretKey?: string }): {
  credentials: RootCredentials;
  generated: boolean;
} {
  if (options.accessKey && options.secretKey) {
    return { credentials: { accessKey: options.accessKey, secretKey: options.secretKey }, generated: false };
  }
  if (options.accessKey || options.secretKey) {
    throw new Error('Set both MIMEO_ROOT_ACCESS_KEY and MIMEO_ROOT_SECRET_KEY, or neither.');
  }
  const file = join(options.dataDir, ROOT_CREDENTIALS_FILE);
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as RootCredentials;
    if (typeof parsed.accessKey !== 'string' || typeof parsed.secretKey !== 'string')
      throw new Error(`${file} is malformed`);
    return { credentials: parsed, generated: false };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const credentials: RootCredentials = {
    accessKey: `MROOT${randomBytes(8).toString('hex').toUpperCase()}`,
    secretKey: newKeySecret(),
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { credentials, generated: true };
}

/** The stored root credentials of a data directory, if it has them; never creates them. */
export function readRootCredentials(dataDir: string): RootCredentials | undefined {
  const file = join(dataDir, ROOT_CREDENTIALS_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as RootCredentials;
  return typeof parsed.accessKey === 'string' && typeof parsed.secretKey === 'string' ? parsed : undefined;
}
