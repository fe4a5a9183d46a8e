// Ids on the wire. Every file and directory has a number, drawn once from the global sequence and never reused; its
// decimal (Qumulo), 24-hex-digit (Seven Bridges) and UUID (SAS) ids are that number written three ways, so each maps
// back to the entry in one lookup of the number's index. The native API also names entries by their row id.
import { StorageError } from './errors.ts';

export interface WireIds {
  decimal: string;
  hex: string;
  uuid: string;
}

/** The UUID prefix of every entry: "mimeo" in ASCII, then version 8 (custom) and the RFC 9562 variant. */
const UUID_HEAD = '6d696d65-6f00-8000-8';

export function wireIds(n: number): WireIds {
  const hex15 = n.toString(16).padStart(15, '0');
  return {
    decimal: String(n),
    hex: n.toString(16).padStart(24, '0'),
    uuid: `${UUID_HEAD}${hex15.slice(0, 3)}-${hex15.slice(3)}`,
  };
}

/**
 * The number of the tree's root, the directory whose children are the projects a principal may list (2, as Qumulo
 * numbers its root). Numbers below 1000 are no file's, directory's or project's.
 */
export const TREE_ROOT_NUMBER = 2;

/** The id the tree's root shows as an entry (it is no row). */
export const ROOT_ENTRY_ID = 'root';

/** What an id names: an entry's number, or its row id. */
export type EntryKey = { number: number } | { rowId: string };

const fromHex = (hex: string): EntryKey => {
  const n = Number.parseInt(hex, 16);
  // Past 2^53 no entry has that number: the caller's lookup finds nothing.
  return { number: Number.isSafeInteger(n) ? n : -1 };
};

/**
 * Reads an id of any shape: decimal digits, 24 hex digits, a UUID of ours, a row id (`f`, `d` or `p` and 32
 * hex digits), or `root`. Throws InvalidArgument for anything else, so that a malformed id is a 400 and an unknown one a 404.
 */
export function parseEntryId(id: string): EntryKey {
  if (/^[0-9]{1,16}$/.test(id)) {
    const n = Number(id);
    return { number: Number.isSafeInteger(n) ? n : -1 };
  }
  if (/^[0-9a-fA-F]{24}$/.test(id)) return fromHex(id);
  const uuid = /^6d696d65-6f00-8000-8([0-9a-fA-F]{3})-([0-9a-fA-F]{12})$/i.exec(id);
  if (uuid) return fromHex(uuid[1]! + uuid[2]!);
  if (/^[fdp][0-9a-f]{32}$/.test(id)) return { rowId: id };
  if (id === ROOT_ENTRY_ID) return { number: TREE_ROOT_NUMBER };
  throw new StorageError(
    'InvalidArgument',
    'An entry id is a decimal number, 24 hex digits, a UUID or a row id.',
    { resource: id.slice(0, 64) },
  );
}
