// An entry as Qumulo's attributes object (api_files_attributes): numbers as decimal strings, times in RFC 3339,
// directories' paths ending with '/'.
import type { Entry } from '../../core/entries.ts';
import { pathOf } from './wire.ts';

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
    extended_attributes: {
      read_only: false,
      hidden: false,
      system: false,
      archive: false,
      temporary: false,
      compressed: false,
      not_content_indexed: false,
      sparse_file: false,
      offline: false,
    },
    directory_entry_hash_policy: dir ? 'FS_DIRECTORY_HASH_VERSION_FOLDED' : null,
    symlink_target_type: 'FS_FILE_TYPE_UNKNOWN',
    major_minor_numbers: { major: 0, minor: 0 },
    data_revision: '0',
    user_metadata_revision: '0',
  };
}

/** The ETag header of an entry: a file's current version's; a directory's changes with its attributes. */
export function etagOf(e: Entry): string {
  return e.versionRow ?? `d${e.number}.${e.modifiedAt}.${e.mode ?? DIR_MODE}`;
}
