// The compute contexts this server offers: fixed, as a SAS Viya deployment provisions them. Every context's sessions
// see the same file tree; the contexts differ by name only, so that clients configured with either name find one.
import { StorageError } from '../../../core/errors.ts';

export interface ComputeContext {
  id: string;
  name: string;
  description: string;
}

export const CONTEXTS: readonly ComputeContext[] = [
  {
    id: '1a2b3c4d-0000-4000-8000-00000000c0de',
    name: 'SAS Job Execution compute context',
    description: 'Compute context for SAS Job Execution: sessions over the file tree of your projects.',
  },
  {
    id: '1a2b3c4d-0000-4000-8000-0000000051d0',
    name: 'SAS Studio compute context',
    description: 'Compute context for SAS Studio: sessions over the file tree of your projects.',
  },
];

/** The context with id `id`; NoSuchEntry otherwise. */
export function contextById(id: string): ComputeContext {
  const c = CONTEXTS.find((x) => x.id === id);
  if (!c)
    throw new StorageError('NoSuchEntry', `No compute context has the id '${id.slice(0, 100)}'.`, {
      resource: id.slice(0, 100),
    });
  return c;
}
