// ListObjectVersions: GET /bucket?versions — key-marker, version-id-marker, prefix, delimiter, max-keys, encoding.
import { ownerOf } from '../../../auth/principals.ts';
import { listVersions } from '../../../core/list-versions.ts';
import { getProject } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import { isoDate, quoted, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { XmlSequence } from '../xml.ts';
import { bucketOf, queryInt } from './common.ts';
import { listEncoding } from './list-page.ts';

export const listObjectVersions: S3Command = {
  name: 'ListObjectVersions',
  async handle(ctx: S3Context) {
    const bucket = bucketOf(ctx);
    const max = queryInt(ctx, 'max-keys', { fallback: 1000, min: 0 });
    const { enc, encodingType } = listEncoding(ctx);
    const project = await getProject(ctx.deps.core, { principal: ctx.principal, need: 'list' }, bucket);
    const keyMarker = ctx.query.get('key-marker') || undefined;
    const versionIdMarker = ctx.query.get('version-id-marker') || undefined;
    if (versionIdMarker !== undefined && keyMarker === undefined)
      throw new S3Error(
        'InvalidArgument',
        400,
        'A version-id marker cannot be specified without a key marker.',
        {
          fields: { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker },
        },
      );
    const delimiter = ctx.query.get('delimiter');
    const page =
      max === 0
        ? { versions: [], prefixes: [], truncated: false, nextKeyMarker: null, nextVersionIdMarker: null }
        : await listVersions(ctx.deps.core, ctx.principal, {
            project: bucket,
            prefix: ctx.query.get('prefix'),
            delimiter,
            keyMarker,
            versionIdMarker,
            limit: Math.min(max, 1000),
          });
    const owner = await ownerOf(ctx.deps, project.ownerId);
    return sendXml(ctx, 200, 'ListVersionsResult', {
      Name: bucket,
      Prefix: enc(ctx.query.get('prefix') ?? ''),
      KeyMarker: enc(keyMarker ?? ''),
      VersionIdMarker: versionIdMarker ?? '',
      NextKeyMarker: page.truncated && page.nextKeyMarker ? enc(page.nextKeyMarker) : undefined,
      NextVersionIdMarker: page.truncated && page.nextVersionIdMarker ? page.nextVersionIdMarker : undefined,
      MaxKeys: max,
      Delimiter: delimiter ? enc(delimiter) : undefined,
      EncodingType: encodingType,
      IsTruncated: page.truncated,
      // Versions and delete markers in one sequence, newest first for each key, as S3 lists them.
      Versions: new XmlSequence(
        page.versions.map((v) =>
          v.deleteMarker
            ? [
                'DeleteMarker',
                {
                  Key: enc(v.path),
                  VersionId: v.versionId,
                  IsLatest: v.isLatest,
                  LastModified: isoDate(v.modifiedAt),
                  Owner: owner,
                },
              ]
            : [
                'Version',
                {
                  Key: enc(v.path),
                  VersionId: v.versionId,
                  IsLatest: v.isLatest,
                  LastModified: isoDate(v.modifiedAt),
                  ETag: quoted(v.etag),
                  Size: v.size,
                  Owner: owner,
                  StorageClass: 'STANDARD',
                },
              ],
        ),
      ),
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: enc(p) })),
    });
  },
};
