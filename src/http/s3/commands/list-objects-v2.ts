// ListObjectsV2: GET /bucket?list-type=2 — prefix, delimiter, continuation-token, start-after, max-keys,
// encoding-type=url and fetch-owner.

import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { type ListParams, listPage } from './list-page.ts';

export const listObjectsV2: S3Command = {
  name: 'ListObjectsV2',
  async handle(ctx: S3Context) {
    const token = ctx.query.get('continuation-token');
    const startAfter = ctx.query.get('start-after');
    const params: ListParams = {
      after: token !== undefined ? decodeToken(token) : startAfter,
      fetchOwner: ctx.query.get('fetch-owner') === 'true',
    };
    const page = await listPage(ctx, params);
    return sendXml(ctx, 200, 'ListBucketResult', {
      Name: page.bucket,
      Prefix: page.enc(page.prefix),
      Delimiter: page.delimiter ? page.enc(page.delimiter) : undefined,
      MaxKeys: page.maxKeys,
      EncodingType: page.encodingType,
      KeyCount: page.keyCount + page.prefixes.length,
      IsTruncated: page.truncated,
      ContinuationToken: token,
      NextContinuationToken: page.truncated && page.next ? encodeToken(page.next) : undefined,
      StartAfter: startAfter !== undefined ? page.enc(startAfter) : undefined,
      Contents: page.contents,
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: page.enc(p) })),
    });
  },
};

/** A token names the key after which the next page starts, marked so that a token this server did not make is told. */
const TOKEN_MARK = 'k:';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encodeToken = (key: string) => Buffer.from(`${TOKEN_MARK}${key}`, 'utf8').toString('base64url');

/** The key a token names, or 400 InvalidArgument for one this server did not make (an empty page would say "done"). */
function decodeToken(t: string): string {
  const bytes = Buffer.from(t, 'base64url');
  let text: string | undefined;
  try {
    text = bytes.toString('base64url') === t ? utf8.decode(bytes) : undefined;
  } catch {
    text = undefined;
  }
  if (text === undefined || !text.startsWith(TOKEN_MARK))
    throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect', {
      fields: { ArgumentName: 'continuation-token', ArgumentValue: t },
    });
  return text.slice(TOKEN_MARK.length);
}
