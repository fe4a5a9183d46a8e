// The folder path of `GET /folders/folders/@item?path=/project/a/b`: a top-level folder is a project, the rest a
// directory path in it.
import { StorageError } from '../../../../core/errors.ts';

/**
 * The project and the directory path ('' for the project itself) that a folder path names. A trailing '/' is
 * allowed. Throws InvalidArgument without a path, InvalidPath for one that does not start with '/' or has an empty,
 * '.' or '..' segment or a NUL, and NoSuchEntry for '/': the tree's root is no folder, its children are projects.
 */
export function folderPathOf(value: unknown): { project: string; path: string } {
  if (value === undefined || value === '')
    throw new StorageError('InvalidArgument', "Give the folder's path: path=/project/folder.");
  if (typeof value !== 'string') throw new StorageError('InvalidArgument', 'Give path once.');
  if (!value.startsWith('/'))
    throw new StorageError('InvalidPath', `A folder path starts with '/': '${value.slice(0, 256)}'.`);
  if (value === '/')
    throw new StorageError(
      'NoSuchEntry',
      'The root is no folder: the top-level folders are projects, /project.',
      {
        resource: '/',
      },
    );
  const path = value.endsWith('/') ? value.slice(0, -1) : value;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0')))
    throw new StorageError(
      'InvalidPath',
      `A folder path has no empty, '.' or '..' segment: '${value.slice(0, 256)}'.`,
    );
  return { project: segments[0]!, path: segments.slice(1).join('/') };
}
