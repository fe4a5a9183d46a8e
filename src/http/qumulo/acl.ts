// An entry's POSIX mode as Qumulo's v2 ACL (api_files_acl_v2), and back. mimeo keeps a mode, not an ACL: the ACL a
// GET shows is the one the mode gives (an entry for the owner, the group and Everyone), and a PUT is taken only when
// it is such an ACL, as `qq fs_copy` sends back the one it read from the source.
import type { Entry } from '../../core/entries.ts';
import { StorageError } from '../../core/errors.ts';
import { DIR_MODE, FILE_MODE, GROUP, OWNER_DOMAIN } from './attributes.ts';

interface Trustee {
  domain: string;
  auth_id: string | null;
  uid: number | null;
  gid: number | null;
  sid: string | null;
  name: string | null;
}

interface Ace {
  type: 'ALLOWED';
  flags: string[];
  trustee: Trustee;
  rights: string[];
}

export interface AclV2 {
  control: string[];
  posix_special_permissions: string[];
  aces: Ace[];
}

/** The rights in the order Qumulo's schema lists them, so that every ACL shows its rights in one order. */
const RIGHTS_ORDER = [
  'READ',
  'READ_EA',
  'READ_ATTR',
  'READ_ACL',
  'WRITE_EA',
  'WRITE_ATTR',
  'WRITE_ACL',
  'CHANGE_OWNER',
  'WRITE_GROUP',
  'DELETE',
  'EXECUTE',
  'MODIFY',
  'EXTEND',
  'ADD_FILE',
  'ADD_SUBDIR',
  'DELETE_CHILD',
  'SYNCHRONIZE',
];

const SPECIAL: readonly [number, string][] = [
  [0o4000, 'SET_UID'],
  [0o2000, 'SET_GID'],
  [0o1000, 'STICKY_BIT'],
];

const trustee = (t: Partial<Trustee> & { domain: string }): Trustee => ({
  auth_id: null,
  uid: null,
  gid: null,
  sid: null,
  name: null,
  ...t,
});

/** The three trustees a mode speaks of: the entry's owner, its group, and Everyone. */
function trusteesOf(e: Entry): Trustee[] {
  return [
    trustee({ domain: OWNER_DOMAIN, auth_id: e.ownerId ?? '' }),
    trustee({ domain: OWNER_DOMAIN, auth_id: GROUP.id, name: GROUP.name }),
    trustee({ domain: 'WORLD', sid: 'S-1-1-0', name: 'Everyone' }),
  ];
}

/** What three mode bits (r, w, x) allow, for the owner or another, on a file or a directory. */
function rightsOf(bits: number, o: { owner: boolean; dir: boolean }): string[] {
  const rights = new Set(['READ_ACL', 'READ_ATTR', 'READ_EA', 'SYNCHRONIZE']);
  if (o.owner) for (const r of ['WRITE_ATTR', 'WRITE_EA']) rights.add(r);
  if (bits & 4) rights.add('READ');
  if (bits & 2) {
    for (const r of ['MODIFY', 'EXTEND']) rights.add(r);
    if (o.dir) for (const r of ['ADD_FILE', 'ADD_SUBDIR', 'DELETE_CHILD']) rights.add(r);
  }
  if (bits & 1) rights.add('EXECUTE');
  return RIGHTS_ORDER.filter((r) => rights.has(r));
}

/** The ACL the entry's mode gives. */
export function aclOf(e: Entry): AclV2 {
  const dir = e.type === 'directory';
  const mode = e.mode ?? (dir ? DIR_MODE : FILE_MODE);
  const [owner, group, world] = trusteesOf(e) as [Trustee, Trustee, Trustee];
  const ace = (t: Trustee, bits: number, isOwner: boolean): Ace => ({
    type: 'ALLOWED',
    flags: [],
    trustee: t,
    rights: rightsOf(bits, { owner: isOwner, dir }),
  });
  return {
    control: ['PRESENT'],
    posix_special_permissions: SPECIAL.filter(([bit]) => mode & bit).map(([, name]) => name),
    aces: [
      ace(owner, (mode >> 6) & 7, true),
      ace(group, (mode >> 3) & 7, false),
      ace(world, mode & 7, false),
    ],
  };
}

/** An ACL with its lists in one order, for comparing two that say the same. */
function canonical(acl: AclV2): string {
  const sorted = (v: string[]) => [...v].sort();
  return JSON.stringify({
    control: sorted(acl.control),
    posix_special_permissions: sorted(acl.posix_special_permissions),
    aces: acl.aces.map((a) => ({
      type: a.type,
      flags: sorted(a.flags),
      trustee: trustee({ ...(a.trustee as Trustee) }),
      rights: sorted(a.rights),
    })),
  });
}

const SHAPE =
  'An ACL is an object with control, posix_special_permissions and aces (each with type, flags, trustee and rights).';

/**
 * The mode an ACL sent for `e` stands for. This server keeps modes, not ACLs, so the ACL must be one a mode gives
 * for this entry (as GET shows it, in any order): else 400, and nothing is changed.
 */
export function modeOfAcl(e: Entry, body: Record<string, unknown>): number {
  const { control, posix_special_permissions: special, aces } = body;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!strings(control) || !strings(special) || !Array.isArray(aces) || aces.length !== 3)
    throw new StorageError('InvalidArgument', `${SHAPE} This server keeps POSIX modes: give three aces.`);
  if (!aces.every((a) => isObject(a) && strings(a.rights) && strings(a.flags) && isObject(a.trustee)))
    throw new StorageError('InvalidArgument', SHAPE);
  let mode = 0;
  for (const [bit, name] of SPECIAL) if (special.includes(name)) mode |= bit;
  for (const [i, shift] of [6, 3, 0].entries()) {
    const rights: string[] = aces[i].rights;
    if (rights.includes('READ')) mode |= 4 << shift;
    if (rights.includes('MODIFY')) mode |= 2 << shift;
    if (rights.includes('EXECUTE')) mode |= 1 << shift;
  }
  if (canonical(body as unknown as AclV2) !== canonical(aclOf({ ...e, mode })))
    throw new StorageError(
      'InvalidArgument',
      'This server keeps POSIX modes, not ACLs: an ACL is taken only as the one a mode gives, the owner, the group ' +
        'and Everyone allowed in that order, as GET shows it.',
    );
  return mode;
}
