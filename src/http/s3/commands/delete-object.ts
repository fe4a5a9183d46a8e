// DeleteObject: DELETE /bucket/key[?versionId] — 204 whether or not the key existed, as S3 answers.
import { deleteFile } from '../../../core/delete.ts';
import { isStorageError } from '../../../core/errors.ts';
import { parseConditions } from '../../common/conditions.ts';
import type { S3Command } from '../command.ts';
import type { S3Context } from '../context.ts';
import { bucketOf, keyOf, versionIdOf } from './common.ts';

export const deleteObject: S3Command = {
  name: 'DeleteObject',
  async handle(ctx: S3Context) {
    try {
      const r = await deleteFile(ctx.deps.core, ctx.principal, {
        project: bucketOf(ctx),
        path: keyOf(ctx),
        versionId: versionIdOf(ctx),
        conditions: parseConditions(ctx.headers),
      });
      if (r.versionId) ctx.reply.header('x-amz-version-id', r.versionId);
      if (r.deleteMarker) ctx.reply.header('x-amz-delete-marker', 'true');
    } catch (err) {
      if (!isStorageError(err, 'NoSuchKey') && !isStorageError(err, 'NoSuchVersion')) throw err;
    }
    return ctx.reply.code(204).send();
  },
};
