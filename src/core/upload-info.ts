// An upload found by its id alone, for the dialects whose upload URLs carry only the id (S3's carry the key too).
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal } from './model.ts';
import type { UploadInfo } from './multipart.ts';
import { allows, getProjectById } from './permissions.ts';

/**
 * The upload `id`, for a principal who may write its project (any writer may, as in S3). Throws NoSuchUpload, also
 * for one in a project the principal may not write.
 */
export function getUpload(deps: CoreDeps, principal: Principal, id: string): Promise<UploadInfo> {
  return deps.meta.tx(
    async (tx) => {
      const row = await tx.get<{
        project_id: string;
        path: string;
        principal_id: string;
        attributes: string;
        created_at: number;
      }>('SELECT project_id, path, principal_id, attributes, created_at FROM uploads WHERE id = ?', [id]);
      const project = row && (await getProjectById(tx, row.project_id));
      if (!row || !project || !(await allows(tx, { principal, need: 'write-object' }, project)))
        throw new StorageError('NoSuchUpload', `The upload '${id}' does not exist.`, { resource: id });
      return {
        id,
        project: project.name,
        path: row.path,
        principalId: row.principal_id,
        attributes: JSON.parse(row.attributes) as UploadInfo['attributes'],
        createdAt: Number(row.created_at),
      };
    },
    { readOnly: true },
  );
}
