// What an interrupted transfer leaves for the next run: the multipart upload of a put (its id and part size, and
// the local file's size, modification time and identity when it began, by server, project and path), the version a
// partial download came from (its ETag, by the partial file's path), and the directory an unfinished tree put or
// get made as its target (tree-target.ts). One JSON file next to the client configuration, rewritten whole
// (a new file renamed over the old); synchronous, so the transfers of one run never interleave their updates.
// Two runs at once may lose each other's records, which only costs a resume.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serverFilePath } from '../../config/servers.ts';

export interface UploadRecord {
  uploadId: string;
  partSize: number;
  /** The local file as it was when the upload began: a file changed since then starts a new upload. */
  size: number;
  mtimeMs: number;
  /**
   * Its device, inode and change time (ctime, in ns), which a change of its bytes moves even when its size and
   * modification time are put back (a record without it is of a file that is taken as changed).
   */
  file?: string;
  savedAt: number;
}

export interface DownloadRecord {
  etag: string;
  savedAt: number;
}

/**
 * The directory a put -r or get -r of one directory made as its target (no '/' at its end, nothing there): a rerun
 * would otherwise find it and go one level deeper.
 */
export interface TreeRecord {
  /** The directory's identity: its entry id on the server, or its device, inode and birth time here. */
  made: string;
  savedAt: number;
}

interface StateFile {
  uploads: Record<string, UploadRecord>;
  downloads: Record<string, DownloadRecord>;
  trees: Record<string, TreeRecord>;
}

/** Records older than this are dropped when the file is next written: the server has long since expired them. */
const KEEP_MS = 30 * 24 * 3600 * 1000;

export class TransferState {
  readonly file: string;

  constructor(file = join(dirname(serverFilePath()), 'transfers.json')) {
    this.file = file;
  }

  #read(): StateFile {
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StateFile>;
      return { uploads: v.uploads ?? {}, downloads: v.downloads ?? {}, trees: v.trees ?? {} };
    } catch {
      // Missing or unreadable: nothing to resume, and the next write replaces it.
      return { uploads: {}, downloads: {}, trees: {} };
    }
  }

  #update(change: (s: StateFile) => void): void {
    const s = this.#read();
    change(s);
    const old = Date.now() - KEEP_MS;
    for (const table of [s.uploads, s.downloads, s.trees])
      for (const [k, r] of Object.entries(table)) if (r.savedAt < old) delete table[k];
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // A state that cannot be kept only means a later run starts over.
    }
  }

  upload(key: string): UploadRecord | undefined {
    return this.#read().uploads[key];
  }

  saveUpload(key: string, r: Omit<UploadRecord, 'savedAt'>): void {
    this.#update((s) => {
      s.uploads[key] = { ...r, savedAt: Date.now() };
    });
  }

  dropUpload(key: string): void {
    this.#update((s) => {
      delete s.uploads[key];
    });
  }

  download(partial: string): DownloadRecord | undefined {
    return this.#read().downloads[partial];
  }

  saveDownload(partial: string, etag: string): void {
    this.#update((s) => {
      s.downloads[partial] = { etag, savedAt: Date.now() };
    });
  }

  dropDownload(partial: string): void {
    this.#update((s) => {
      delete s.downloads[partial];
    });
  }

  /** The record of the directory a tree transfer made (one of an older form, without `made`, is none). */
  tree(key: string): TreeRecord | undefined {
    const r = this.#read().trees[key];
    return typeof r?.made === 'string' ? r : undefined;
  }

  /** Records (or keeps fresh) the directory a tree transfer made. */
  saveTree(key: string, made: string): void {
    this.#update((s) => {
      s.trees[key] = { made, savedAt: Date.now() };
    });
  }

  dropTree(key: string): void {
    this.#update((s) => {
      delete s.trees[key];
    });
  }
}
