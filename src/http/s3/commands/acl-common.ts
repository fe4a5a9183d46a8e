// Canned ACLs on S3: the x-amz-acl header or an AccessControlPolicy body read, and policy documents rendered.
import { checkAcl } from '../../../core/acl.ts';
import type { CannedAcl } from '../../../core/model.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { parseXmlBody, xmlStyle } from '../xml.ts';
import { type AclPolicy, cannedGrants, type Grant, readAclPolicy, type Who } from './acl-policy.ts';
import { readRequestXmlBytes } from './request-xml.ts';

const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];

/** The canned ACL a write asks for (x-amz-acl), or undefined. Explicit grants are refused with 501. */
export function requestAcl(ctx: S3Context): CannedAcl | undefined {
  const grant = GRANT_HEADERS.find((h) => ctx.headers[h] !== undefined);
  if (grant)
    throw new S3Error(
      'NotImplemented',
      501,
      `Explicit grants (${grant}) are not implemented; use x-amz-acl.`,
    );
  const acl = ctx.headers['x-amz-acl'];
  if (acl === undefined) return undefined;
  try {
    return checkAcl(acl);
  } catch {
    throw new S3Error('InvalidArgument', 400, `The canned ACL '${acl}' is not valid.`);
  }
}

/**
 * What PutBucketAcl and PutObjectAcl ask for: a canned ACL in x-amz-acl, or an AccessControlPolicy body (which the
 * command turns into the canned ACL it states, once it knows the owner). Both at once is 400 UnexpectedContent, as
 * in S3; neither is 400 MissingSecurityHeader.
 */
export async function aclToPut(ctx: S3Context): Promise<{ canned: CannedAcl } | { policy: AclPolicy }> {
  const body = await readRequestXmlBytes(ctx);
  const acl = requestAcl(ctx);
  if (body.length > 0) {
    if (acl !== undefined)
      throw new S3Error('UnexpectedContent', 400, 'This request does not support content');
    return { policy: readAclPolicy(parseXmlBody(body)) };
  }
  if (acl === undefined)
    throw new S3Error('MissingSecurityHeader', 400, 'Your request was missing a required header: x-amz-acl.');
  return { canned: acl };
}

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const grantXml = (g: Grant, names: Map<string, string>, text: (s: string) => string) =>
  'id' in g.grantee
    ? `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${text(g.grantee.id)}</ID><DisplayName>${text(names.get(g.grantee.id) ?? '')}</DisplayName></Grantee><Permission>${g.permission}</Permission></Grant>`
    : `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${text(g.grantee.uri)}</URI></Grantee><Permission>${g.permission}</Permission></Grant>`;

/**
 * The grants a canned ACL stands for, as S3 lists them; `bucketOwner` for the bucket-owner-* ACLs of objects. Written
 * by hand (the grantees' attributes), in the request's flavor: its namespace and its escaping.
 */
export function sendAcl(ctx: S3Context, owner: Who, acl: CannedAcl, bucketOwner?: Who) {
  const { ns, text } = xmlStyle(ctx.flavor.xml);
  const names = new Map([owner, ...(bucketOwner ? [bucketOwner] : [])].map((w) => [w.ID, w.DisplayName]));
  const grants = cannedGrants(acl, owner, bucketOwner).map((g) => grantXml(g, names, text));
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy${ns}>` +
    `<Owner><ID>${text(owner.ID)}</ID><DisplayName>${text(owner.DisplayName)}</DisplayName></Owner>` +
    `<AccessControlList>${grants.join('')}</AccessControlList></AccessControlPolicy>`;
  return ctx.reply.code(200).type('application/xml').send(body);
}
