// One page of keys for ListObjects v1 and v2: max-keys, encoding-type and owner handled once.
import { ownerOf } from '../../../auth/principals.ts';
import { awsEncode } from '../../../auth/sigv4.ts';
import { type KeyEntry, listObjectKeys } from '../../../core/list.ts';
import { getProject } from '../../../core/projects.ts';
import { isoDate, quoted, type S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import type { Flavor } from '../flavor.ts';
import { XmlElements, xmlStyle } from '../xml.ts';
import { bucketOf, queryInt } from './common.ts';

export interface ListParams {
  after: string | undefined;
  fetchOwner: boolean;
}

/**
 * encoding-type=url: the encoding a listing applies to every key-like field (keys, prefixes, markers, the delimiter)
 * and whether to name it in `<EncodingType>`. S3 percent-encodes the UTF-8 bytes of all but unreserved characters
 * and '/': a space is `%20` and a '+' is `%2B`, which a client's percent- or form-decoder both read back exactly.
 * Any other encoding-type is 400 InvalidArgument.
 */
export function listEncoding(ctx: S3Context): {
  enc: (s: string) => string;
  encodingType: 'url' | undefined;
} {
  const encodingType = ctx.query.get('encoding-type');
  if (encodingType === undefined) return { enc: (s) => s, encodingType };
  if (encodingType !== 'url')
    throw new S3Error('InvalidArgument', 400, 'Invalid Encoding Method specified in Request');
  return { enc: (s) => awsEncode(s, true), encodingType };
}

export async function listPage(ctx: S3Context, params: ListParams) {
  const bucket = bucketOf(ctx);
  const maxKeys = queryInt(ctx, 'max-keys', { fallback: 1000, min: 0 });
  const { enc, encodingType } = listEncoding(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  // listObjectKeys checks the bucket and the role itself; the project row is read only for what it adds.
  const project =
    params.fetchOwner || maxKeys === 0
      ? await getProject(ctx.deps.core, { principal: ctx.principal, need: 'list' }, bucket)
      : undefined;
  const page =
    maxKeys === 0
      ? { entries: [], prefixes: [], truncated: false, next: null }
      : await listObjectKeys(ctx.deps.core, ctx.principal, {
          project: bucket,
          prefix,
          delimiter,
          after: params.after,
          limit: Math.min(maxKeys, 1000),
        });
  const owner = project && params.fetchOwner ? await ownerOf(ctx.deps, project.ownerId) : undefined;
  return {
    bucket,
    prefix,
    delimiter,
    maxKeys,
    encodingType,
    enc,
    truncated: page.truncated,
    next: page.next,
    prefixes: page.prefixes,
    keyCount: page.entries.length,
    contents: contentsXml(page.entries, enc, owner, ctx.flavor.xml),
  };
}

/**
 * The `<Contents>` elements of a page, in S3's order of fields, as the flavor writes them (`sendXml` cannot see into
 * them): the checksum's only in a flavor that has them, quotes escaped only in one that escapes them.
 */
function contentsXml(
  entries: KeyEntry[],
  enc: (s: string) => string,
  owner: { ID: string; DisplayName: string } | undefined,
  flavor: Flavor['xml'],
): XmlElements {
  const { text } = xmlStyle(flavor);
  const ownerXml = owner
    ? `<Owner><ID>${text(owner.ID)}</ID><DisplayName>${text(owner.DisplayName)}</DisplayName></Owner>`
    : '';
  let xml = '';
  for (const e of entries) {
    xml += `<Contents><Key>${text(enc(e.path))}</Key><LastModified>${isoDate(e.modifiedAt)}</LastModified><ETag>${text(quoted(e.etag))}</ETag>`;
    if (flavor.checksums && e.crc64)
      xml += '<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>';
    xml += `<Size>${e.size}</Size>${ownerXml}<StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return new XmlElements(xml);
}
