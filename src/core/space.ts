// A full disk: writes of new data are refused with InsufficientStorage, while the operations that free room
// (deletes, GC) can always run, on the room the disk reserve gives up for them.
import type { DiskReserve } from '../blocks/reserve.ts';
import { isOutOfSpace, StorageError } from './errors.ts';

export interface SpaceDeps {
  reserve?: DiskReserve;
}

/**
 * Admits a write of new data. Writes wait while the reserve is given up: once there is room for it again, it is
 * made anew and writes resume. Throws InsufficientStorage until then.
 */
export async function admitWrite(deps: SpaceDeps): Promise<void> {
  if (deps.reserve && !(await deps.reserve.restore())) throw new StorageError('InsufficientStorage');
}

/** Throws InsufficientStorage once the reserve has been given up: a write under way stops taking room. */
export async function stillAdmitted(deps: SpaceDeps): Promise<void> {
  if (deps.reserve && !(await deps.reserve.held())) throw new StorageError('InsufficientStorage');
}

/**
 * Runs an operation that frees room (a delete, a GC pass) or that a user needs to reach one (signing in). If it
 * fails for want of room, the reserve is given up and the operation runs once more: it must be safe to repeat,
 * as a transaction that did not commit is.
 */
export async function freeing<T>(reserve: DiskReserve | undefined, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!reserve || !isOutOfSpace(err)) throw err;
    await reserve.release();
    return op();
  }
}
