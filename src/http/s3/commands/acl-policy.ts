// AccessControlPolicy bodies (PutBucketAcl, PutObjectAcl): read, checked, and taken as the canned ACL they state.
import { CANNED_ACLS, type CannedAcl } from '../../../core/model.ts';
import { S3Error } from '../errors.ts';
import { isRecord, many, token, type XmlRecord } from '../xml.ts';

export interface Who {
  ID: string;
  DisplayName: string;
}

export type Grantee = { id: string } | { uri: string };
export interface Grant {
  grantee: Grantee;
  permission: string;
}

export interface AclPolicy {
  ownerId: string;
  grants: Grant[];
}

const GROUPS = 'http://acs.amazonaws.com/groups/global/';
const PERMISSIONS = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

const malformedAcl = () =>
  new S3Error(
    'MalformedACLError',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );

/** The grants a canned ACL stands for, as S3 lists them; `bucketOwner` for the bucket-owner-* ACLs of objects. */
export function cannedGrants(acl: CannedAcl, owner: Who, bucketOwner?: Who): Grant[] {
  const grants: Grant[] = [{ grantee: { id: owner.ID }, permission: 'FULL_CONTROL' }];
  const group = (name: string, permission: string) =>
    grants.push({ grantee: { uri: GROUPS + name }, permission });
  if (acl === 'public-read' || acl === 'public-read-write') group('AllUsers', 'READ');
  if (acl === 'public-read-write') group('AllUsers', 'WRITE');
  if (acl === 'authenticated-read') group('AuthenticatedUsers', 'READ');
  if (bucketOwner && bucketOwner.ID !== owner.ID) {
    if (acl === 'bucket-owner-read') grants.push({ grantee: { id: bucketOwner.ID }, permission: 'READ' });
    if (acl === 'bucket-owner-full-control')
      grants.push({ grantee: { id: bucketOwner.ID }, permission: 'FULL_CONTROL' });
  }
  return grants;
}

/**
 * An AccessControlPolicy document: its owner's ID and its grants. The Grantee's xsi:type is not read: an ID makes a
 * CanonicalUser, a URI a Group. Throws MalformedACLError where S3's schema is not met, and 501 for grants to an email
 * address (mimeo has no way to resolve one).
 */
export function readAclPolicy(doc: XmlRecord): AclPolicy {
  const policy = doc['AccessControlPolicy'];
  if (!isRecord(policy)) throw malformedAcl();
  const owner = policy['Owner'];
  const ownerId = isRecord(owner) ? token(owner['ID']) : undefined;
  const list = policy['AccessControlList'];
  if (!ownerId || (list !== undefined && typeof list !== 'string' && !isRecord(list))) throw malformedAcl();
  const grants = many(isRecord(list) ? list['Grant'] : undefined).map((g): Grant => {
    const grantee = isRecord(g) ? g['Grantee'] : undefined;
    const permission = isRecord(g) ? token(g['Permission']) : undefined;
    if (!isRecord(grantee) || permission === undefined || !PERMISSIONS.includes(permission))
      throw malformedAcl();
    if (grantee['EmailAddress'] !== undefined)
      throw new S3Error('NotImplemented', 501, 'Grants to an email address are not implemented.');
    const id = token(grantee['ID']);
    const uri = token(grantee['URI']);
    if ((id === undefined) === (uri === undefined) || id === '' || uri === '') throw malformedAcl();
    return { grantee: id !== undefined ? { id } : { uri: uri! }, permission };
  });
  return { ownerId, grants };
}

const grantKey = (g: Grant) =>
  `${'id' in g.grantee ? `id:${g.grantee.id}` : `uri:${g.grantee.uri}`} ${g.permission}`;
const grantSet = (grants: Grant[]) => [...new Set(grants.map(grantKey))].sort().join('\n');

/**
 * The canned ACL whose grants (cannedGrants) are exactly the policy's, duplicates aside. The policy must name the
 * resource's owner as its owner (403 AccessDenied otherwise: an ACL never gives a resource away). Grants no canned
 * ACL stands for are 501: mimeo keeps canned ACLs only, and refuses what it cannot keep rather than narrow it.
 */
export function cannedAclOf(policy: AclPolicy, owner: Who, bucketOwner?: Who): CannedAcl {
  if (policy.ownerId !== owner.ID)
    throw new S3Error('AccessDenied', 403, 'The Owner of an AccessControlPolicy cannot be changed.');
  const want = grantSet(policy.grants);
  const acl = CANNED_ACLS.find((a) => grantSet(cannedGrants(a, owner, bucketOwner)) === want);
  if (acl === undefined)
    throw new S3Error(
      'NotImplemented',
      501,
      'Only the grants of a canned ACL are implemented: the owner with FULL_CONTROL, and READ (or READ and WRITE) for AllUsers or READ for AuthenticatedUsers.',
    );
  return acl;
}
