// Server-side encryption on S3: the request headers read into a protection (what a write asks for) or an unlock
// (the customer key a read brings), and the response headers S3 sends for each kind.

import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { DEFAULT_KMS_KEY } from '../../../core/crypto/keys.ts';
import type { Protection, Sse, Unlock } from '../../../core/model.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';

const bad = (message: string) => new S3Error('InvalidArgument', 400, message);

/** A KMS key named by name, alias/name, key ARN or alias ARN: its name in mimeo's key store. */
export function kmsKeyName(id: string): string {
  const arn = /^arn:aws:kms:[^:]*:[^:]*:(?:key|alias)\/(.+)$/.exec(id);
  const name = arn ? arn[1]! : id.replace(/^alias\//, '');
  if (!/^[A-Za-z0-9/_.-]{1,256}$/.test(name)) throw bad(`The KMS key id '${id}' is not valid.`);
  return name;
}

/** The ARN S3 shows for a KMS key. */
export const kmsKeyArn = (ctx: S3Context, name: string) =>
  `arn:aws:kms:${ctx.deps.region}:000000000000:key/${name}`;

const secure = (ctx: S3Context) => (ctx.reply.request.raw.socket as TLSSocket).encrypted === true;

/** The customer key sent under `prefix` (…-algorithm, …-key, …-key-MD5), checked; undefined when absent. */
function customerKey(ctx: S3Context, prefix: string): { key: Buffer; md5: string } | undefined {
  const algorithm = ctx.headers[`${prefix}algorithm`];
  const key = ctx.headers[`${prefix}key`];
  const md5 = ctx.headers[`${prefix}key-md5`];
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (!secure(ctx))
    throw new S3Error(
      'InvalidRequest',
      400,
      'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
    );
  if (algorithm !== 'AES256')
    throw bad('The encryption algorithm of a customer key must be AES256 and is required with the key.');
  if (key === undefined) throw bad('The customer key is missing.');
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== key)
    throw bad('The secret key was invalid for the specified algorithm: it must be 256 bits, in base64.');
  const actual = createHash('md5').update(raw).digest('base64');
  if (md5 === undefined) throw bad('The MD5 of the customer key is missing.');
  if (md5 !== actual)
    throw bad('The calculated MD5 hash of the key did not match the hash that was provided.');
  return { key: raw, md5: actual };
}

/**
 * The customer key a read (or a part of an SSE-C upload) brings. A read names no encryption of its own: S3
 * refuses x-amz-server-side-encryption and its KMS key id on GET, HEAD and parts with 400.
 */
export function requestUnlock(ctx: S3Context): Unlock {
  for (const h of ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id'])
    if (ctx.headers[h] !== undefined) throw bad(`The ${h} header is not supported for this operation.`);
  const c = customerKey(ctx, 'x-amz-server-side-encryption-customer-');
  return c ? { customerKey: c.key } : {};
}

/** The customer key of a copy's source. */
export function copySourceUnlock(ctx: S3Context): Unlock {
  const c = customerKey(ctx, 'x-amz-copy-source-server-side-encryption-customer-');
  return c ? { customerKey: c.key } : {};
}

/** What a write asks for; undefined leaves it to the bucket's default encryption. */
export function requestProtection(ctx: S3Context): Protection | undefined {
  const sse = ctx.headers['x-amz-server-side-encryption'];
  const kmsId = ctx.headers['x-amz-server-side-encryption-aws-kms-key-id'];
  const c = customerKey(ctx, 'x-amz-server-side-encryption-customer-');
  if (ctx.headers['x-amz-server-side-encryption-context'] !== undefined)
    throw new S3Error('NotImplemented', 501, 'An encryption context for SSE-KMS is not implemented.');
  if (c) {
    if (sse !== undefined) throw bad('Server side encryption and a customer key cannot both be given.');
    return { sse: 'SSE-C', customerKey: c.key, customerKeyMd5: c.md5 };
  }
  if (kmsId !== undefined && sse !== 'aws:kms')
    throw bad('x-amz-server-side-encryption-aws-kms-key-id needs x-amz-server-side-encryption: aws:kms.');
  if (sse === undefined) return undefined;
  if (sse === 'AES256') return { sse: 'AES256' };
  if (sse === 'aws:kms')
    return { sse: 'aws:kms', kmsKey: kmsId === undefined ? DEFAULT_KMS_KEY : kmsKeyName(kmsId) };
  if (sse === 'aws:kms:dsse')
    throw new S3Error('NotImplemented', 501, 'Dual-layer SSE-KMS is not implemented.');
  throw bad(`The server side encryption '${sse}' is not valid: use AES256 or aws:kms.`);
}

/** The encryption headers of a response about a version (or an upload), as S3 sends them. */
export function sseHeaders(ctx: S3Context, v: { sse?: Sse | null; sseKey?: string | null }): void {
  if (v.sse === 'AES256') ctx.reply.header('x-amz-server-side-encryption', 'AES256');
  if (v.sse === 'aws:kms') {
    ctx.reply.header('x-amz-server-side-encryption', 'aws:kms');
    if (v.sseKey) ctx.reply.header('x-amz-server-side-encryption-aws-kms-key-id', kmsKeyArn(ctx, v.sseKey));
  }
  if (v.sse === 'SSE-C') {
    ctx.reply.header('x-amz-server-side-encryption-customer-algorithm', 'AES256');
    if (v.sseKey) ctx.reply.header('x-amz-server-side-encryption-customer-key-md5', v.sseKey);
  }
}
