// Seals secrets at rest with AES-256-GCM under the server's master key. Signatures need the secret itself, so
// access key secrets are sealed, not hashed.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_FILE = 'master.key';

export class SecretBox {
  /** A KeyObject: a cipher made from a raw key converts it every time, which costs more than the work. */
  readonly #key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#key = createSecretKey(key);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts; `context` is authenticated (an access key id, say). */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was not sealed under this key and context. */
  open(sealed: string, context: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('malformed sealed value');
    const d = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}

/**
 * The master key: from configuration (64 hex characters or base64 of 32 bytes), or a key file in the data
 * directory, generated with mode 0600 on first start. Several nodes must be given the same key.
 */
export function loadMasterKey(options: { dataDir: string; configured?: string }): Buffer {
  if (options.configured) {
    const k = /^[0-9a-f]{64}$/i.test(options.configured)
      ? Buffer.from(options.configured, 'hex')
      : Buffer.from(options.configured, 'base64');
    if (k.length !== 32) throw new Error('MIMEO_MASTER_KEY must be 32 bytes, as 64 hex characters or base64');
    return k;
  }
  const file = join(options.dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
