// DeleteObjects: POST /bucket?delete — up to 1000 keys, Content-MD5 or a checksum required, Quiet mode.
import { createHash } from 'node:crypto';
import { deleteFile } from '../../../core/delete.ts';
import { isStorageError } from '../../../core/errors.ts';
import { checkContentMd5 } from '../../../core/ingest.ts';
import { type S3Context, sendXml } from '../context.ts';
import { S3Error, toS3Error } from '../errors.ts';
import type { S3Command } from '../router.ts';
import { many, readXml, type XmlNode } from '../xml.ts';
import { bucketOf } from './common.ts';

export const deleteObjects: S3Command = {
  name: 'DeleteObjects',
  matches: (ctx) =>
    ctx.method === 'POST' && ctx.bucket !== undefined && ctx.key === undefined && ctx.query.has('delete'),
  async handle(ctx: S3Context) {
    const md5 = checkContentMd5(ctx.headers['content-md5']);
    const parts: Buffer[] = [];
    for await (const c of ctx.body) parts.push(Buffer.from(c));
    const raw = Buffer.concat(parts);
    if (md5 !== undefined && createHash('md5').update(raw).digest('base64') !== md5) {
      throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what was received.');
    }
    const doc = await readXml(
      (async function* () {
        yield raw;
      })(),
    );
    const del = doc['Delete'] as Record<string, unknown> | undefined;
    if (!del)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    const objects = many(del['Object']) as { Key?: string; VersionId?: string }[];
    if (objects.length === 0 || objects.length > 1000 || objects.some((o) => typeof o?.Key !== 'string')) {
      throw new S3Error(
        'MalformedXML',
        400,
        'The request must name from 1 to 1000 objects, each with a Key.',
      );
    }
    const quiet = String(del['Quiet']).toLowerCase() === 'true';
    const deleted: XmlNode[] = [];
    const errors: XmlNode[] = [];
    for (const o of objects) {
      try {
        const r = await deleteFile(ctx.deps.core, ctx.principal, {
          project: bucketOf(ctx),
          path: o.Key!,
          versionId: o.VersionId,
        });
        if (!quiet)
          deleted.push({
            Key: o.Key,
            VersionId: o.VersionId,
            DeleteMarker: r.deleteMarker || undefined,
            DeleteMarkerVersionId: r.deleteMarker ? r.versionId : undefined,
          });
      } catch (err) {
        if (isStorageError(err, 'NoSuchKey') || isStorageError(err, 'NoSuchVersion')) {
          if (!quiet) deleted.push({ Key: o.Key, VersionId: o.VersionId });
          continue;
        }
        const e = toS3Error(err);
        if (e.status >= 500) throw err;
        errors.push({ Key: o.Key, VersionId: o.VersionId, Code: e.code, Message: e.message });
      }
    }
    return sendXml(ctx, 200, 'DeleteResult', { Deleted: deleted, Error: errors });
  },
};
