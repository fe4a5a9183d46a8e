// Canned ACLs on S3: the x-amz-acl header read and checked, and AccessControlPolicy documents rendered from it.
import { checkAcl } from '../../../core/acl.ts';
import type { CannedAcl } from '../../../core/model.ts';
import type { S3Context } from '../context.ts';
import { S3Error } from '../errors.ts';
import { escapeXml } from '../xml.ts';

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

/** PutBucketAcl and PutObjectAcl: a canned ACL in x-amz-acl; an AccessControlPolicy body is 501. */
export async function aclToPut(ctx: S3Context): Promise<CannedAcl> {
  let bodyBytes = 0;
  for await (const chunk of ctx.body) bodyBytes += chunk.byteLength;
  const acl = requestAcl(ctx);
  if (bodyBytes > 0)
    throw new S3Error(
      'NotImplemented',
      501,
      'ACLs given as an AccessControlPolicy body are not implemented; use x-amz-acl.',
    );
  if (acl === undefined)
    throw new S3Error('MissingSecurityHeader', 400, 'Your request was missing a required header: x-amz-acl.');
  return acl;
}

interface Who {
  ID: string;
  DisplayName: string;
}

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const user = (w: Who, permission: string) =>
  `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${escapeXml(w.ID)}</ID><DisplayName>${escapeXml(w.DisplayName)}</DisplayName></Grantee><Permission>${permission}</Permission></Grant>`;
const group = (name: 'AllUsers' | 'AuthenticatedUsers', permission: string) =>
  `<Grant><Grantee ${XSI} xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/${name}</URI></Grantee><Permission>${permission}</Permission></Grant>`;

/** The grants a canned ACL stands for, as S3 lists them; `bucketOwner` for the bucket-owner-* ACLs of objects. */
export function sendAcl(ctx: S3Context, owner: Who, acl: CannedAcl, bucketOwner?: Who) {
  const grants = [user(owner, 'FULL_CONTROL')];
  if (acl === 'public-read' || acl === 'public-read-write') grants.push(group('AllUsers', 'READ'));
  if (acl === 'public-read-write') grants.push(group('AllUsers', 'WRITE'));
  if (acl === 'authenticated-read') grants.push(group('AuthenticatedUsers', 'READ'));
  if (bucketOwner && bucketOwner.ID !== owner.ID) {
    if (acl === 'bucket-owner-read') grants.push(user(bucketOwner, 'READ'));
    if (acl === 'bucket-owner-full-control') grants.push(user(bucketOwner, 'FULL_CONTROL'));
  }
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner><ID>${escapeXml(owner.ID)}</ID><DisplayName>${escapeXml(owner.DisplayName)}</DisplayName></Owner>` +
    `<AccessControlList>${grants.join('')}</AccessControlList></AccessControlPolicy>`;
  return ctx.reply.code(200).type('application/xml').send(body);
}
