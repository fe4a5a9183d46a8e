// DeleteObjects: POST /bucket?delete — up to 1000 keys, Content-MD5 or a checksum required, Quiet mode.
import { deleteFile } from '../../../core/delete.ts';
import { isStorageError } from '../../../core/errors.ts';
import type { S3Command } from '../command.ts';
import { type S3Context, sendXml } from '../context.ts';
import { S3Error, toS3Error } from '../errors.ts';
import { isRecord, many, parseXmlBody, token, type XmlNode } from '../xml.ts';
import { bucketOf, checkVersionId } from './common.ts';
import { readRequestXmlBytes } from './request-xml.ts';

/**
 * 1,000 keys of 1,024 bytes, each byte written as a six-byte character reference at worst, with their version ids and
 * tags: the largest request a client may need to send.
 */
const MAX_DELETE_XML = 8 * 1024 * 1024;

export const deleteObjects: S3Command = {
  name: 'DeleteObjects',
  async handle(ctx: S3Context) {
    const raw = await readRequestXmlBytes(ctx, { maxBytes: MAX_DELETE_XML, integrity: true });
    const del = parseXmlBody(raw)['Delete'];
    if (!isRecord(del))
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    // A key is exactly the element's text: S3 keys may begin or end with spaces.
    const objects = many(del['Object']).map((o) =>
      isRecord(o) ? { Key: o['Key'], VersionId: o['VersionId'] } : { Key: undefined, VersionId: undefined },
    ) as { Key?: string; VersionId?: string }[];
    if (
      objects.length === 0 ||
      objects.length > 1000 ||
      objects.some(
        (o) => typeof o.Key !== 'string' || (o.VersionId !== undefined && typeof o.VersionId !== 'string'),
      )
    ) {
      throw new S3Error(
        'MalformedXML',
        400,
        'The request must name from 1 to 1000 objects, each with a Key.',
      );
    }
    // Quiet is a boolean, once: anything else does not validate, as in S3.
    const q = token(del['Quiet'])?.toLowerCase();
    if (del['Quiet'] !== undefined && q !== 'true' && q !== 'false')
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    const quiet = q === 'true';
    const deleted: XmlNode[] = [];
    const errors: XmlNode[] = [];
    for (const o of objects) {
      try {
        const r = await deleteFile(ctx.deps.core, ctx.principal, {
          project: bucketOf(ctx),
          path: o.Key!,
          versionId: checkVersionId(o.VersionId),
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
        // A bucket that is not there fails the request, not each key.
        if (isStorageError(err, 'NoSuchProject')) throw err;
        const e = toS3Error(err);
        if (e.status >= 500) throw err;
        errors.push({ Key: o.Key, VersionId: o.VersionId, Code: e.code, Message: e.message });
      }
    }
    return sendXml(ctx, 200, 'DeleteResult', { Deleted: deleted, Error: errors });
  },
};
