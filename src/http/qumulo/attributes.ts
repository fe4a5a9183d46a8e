// An entry as Qumulo's attributes object (api_files_attributes): numbers as decimal strings, times in RFC 3339,
// directories' paths ending with '/'.
import type { CoreDeps } from '../../core/deps.ts';
import type { Entry } from '../../core/entries.ts';
import { StorageError } from '../../core/errors.ts';
import { pathOf, stringField, timeField, withinLargestFile } from './wire.ts';

/** Qumulo's default modes: what an entry shows until its mode is set. */
export const FILE_MODE = 0o644;
export const DIR_MODE = 0o755;

/** Every entry's group, as Qumulo names its local users' group. */
export const GROUP = { id: '513', name: 'Users' } as const;

/** The domain of mimeo's users as Qumulo's trustees name it: local users. */
export const OWNER_DOMAIN = 'LOCAL';

const BLOCK = 4096;

const octal = (mode: number) => mode.toString(8).padStart(4, '0');
const time = (ms: number) => new Date(ms).toISOString();

/** The SMB attributes every entry shows: mimeo keeps none. */
const EXTENDED_ATTRIBUTES: Readonly<Record<string, boolean>> = {
  read_only: false,
  hidden: false,
  system: false,
  archive: false,
  temporary: false,
  compressed: false,
  not_content_indexed: false,
  sparse_file: false,
  offline: false,
};

/** The attributes of `e`; `childCount` for a directory (how many children it has). */
export function attributesOf(e: Entry, childCount = 0) {
  const dir = e.type === 'directory';
  const blocks = String(Math.ceil(e.size / BLOCK));
  const modified = time(e.modifiedAt);
  return {
    path: pathOf(e),
    name: e.name,
    num_links: dir ? 2 : 1,
    type: dir ? 'FS_FILE_TYPE_DIRECTORY' : 'FS_FILE_TYPE_FILE',
    file_number: String(e.number),
    id: String(e.number),
    mode: octal(e.mode ?? (dir ? DIR_MODE : FILE_MODE)),
    owner: e.ownerId ?? '',
    owner_details: { id_type: 'LOCAL_USER', id_value: e.ownerId ?? '' },
    group: GROUP.id,
    group_details: { id_type: 'LOCAL_GROUP', id_value: GROUP.name },
    blocks,
    datablocks: blocks,
    metablocks: '1',
    size: String(e.size),
    access_time: modified,
    modification_time: modified,
    change_time: modified,
    creation_time: time(e.createdAt),
    child_count: dir ? childCount : 0,
    extended_attributes: { ...EXTENDED_ATTRIBUTES },
    directory_entry_hash_policy: dir ? 'FS_DIRECTORY_HASH_VERSION_FOLDED' : null,
    symlink_target_type: 'FS_FILE_TYPE_UNKNOWN',
    major_minor_numbers: { major: 0, minor: 0 },
    // A file's grows with each new version of its bytes; a directory's bytes are its listing, not tracked. Qumulo's
    // user-defined metadata is not kept, so its revision never moves.
    data_revision: String(e.revision ?? 0),
    user_metadata_revision: '0',
  };
}

/** The ETag header of an entry: a file's current version's; a directory's changes with its attributes. */
export function etagOf(e: Entry): string {
  return e.versionRow ?? `d${e.number}.${e.modifiedAt}.${e.mode ?? DIR_MODE}`;
}

/** What a PATCH of attributes changes: the mode, a file's size, the times (ms since the epoch). */
export interface AttributeChange {
  mode?: number;
  size?: number;
  modifiedAt?: number;
  createdAt?: number;
}

/**
 * The change a PATCH body asks of `e`, checked whole before anything is written. `qq fs_copy` sends the source's
 * owner, group, four times and SMB attributes: the ones mimeo keeps are set (mode, size, modification and creation
 * time), and the ones it shows but does not keep (access and change time, which it shows as the modification time;
 * owner; group; SMB attributes) are taken when they say what the entry will show, and refused otherwise.
 */
export function attributeChange(core: CoreDeps, e: Entry, body: Record<string, unknown>): AttributeChange {
  const mode = stringField(body, 'mode');
  if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode))
    throw new StorageError('InvalidArgument', 'mode is an octal string such as "0644".');
  const modifiedAt = timeField(body, 'modification_time');
  const size = withinLargestFile(core, body['size'], 'size');
  // A new size is a write, at the time it is made, unless a modification time comes with it.
  const shown = modifiedAt ?? (size === undefined ? e.modifiedAt : undefined);
  for (const name of ['access_time', 'change_time']) {
    const t = timeField(body, name);
    if (t !== undefined && t !== shown)
      throw new StorageError(
        'InvalidArgument',
        shown === undefined
          ? `${name} is the modification time on this server: give modification_time with it.`
          : `${name} is the modification time on this server: give ${time(shown)}, or leave it out.`,
      );
  }
  const owner = stringField(body, 'owner');
  if (owner !== undefined && owner !== (e.ownerId ?? ''))
    throw new StorageError('InvalidArgument', "An entry's owner is the user who wrote it: it cannot be set.");
  const group = stringField(body, 'group');
  if (group !== undefined && group !== GROUP.id)
    throw new StorageError('InvalidArgument', `Every entry's group is ${GROUP.id} (${GROUP.name}).`);
  const smb = body['extended_attributes'];
  if (smb !== undefined && smb !== null) {
    const same =
      typeof smb === 'object' &&
      !Array.isArray(smb) &&
      Object.entries(smb).every(
        ([k, v]) => Object.hasOwn(EXTENDED_ATTRIBUTES, k) && EXTENDED_ATTRIBUTES[k] === v,
      );
    if (!same)
      throw new StorageError(
        'InvalidArgument',
        'SMB attributes are not kept here: each is false, and cannot be set.',
      );
  }
  return {
    mode: mode === undefined ? undefined : Number.parseInt(mode, 8),
    size,
    modifiedAt,
    createdAt: timeField(body, 'creation_time'),
  };
}
