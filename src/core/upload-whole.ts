// Completing an upload from every part it holds, by its id alone: for file APIs whose clients send parts and then
// say "complete" without listing them (S3 clients list them). Parts must run 1..N without a gap, and their total
// must be the size declared when the upload began, if one was.
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import type { Principal, VersionInfo } from './model.ts';
import { uploadPart } from './multipart.ts';
import { completeUpload } from './multipart-complete.ts';
import { allows, getProjectById } from './permissions.ts';
import { getVersionByRowId } from './repo/versions.ts';
import { getUpload } from './upload-info.ts';

export async function completeWholeUpload(
  deps: CoreDeps,
  principal: Principal,
  input: { uploadId: string; minPartSize: number },
): Promise<VersionInfo> {
  let upload: Awaited<ReturnType<typeof getUpload>>;
  try {
    upload = await getUpload(deps, principal, input.uploadId);
  } catch (err) {
    // A client that lost the answer to its complete asks again: the file it made is the answer.
    const done = await completedVersion(deps, principal, input.uploadId);
    if (done) return done;
    throw err;
  }
  const partsNow = () =>
    deps.meta.tx(
      (tx) =>
        tx.all<{ part_number: number; etag: string; size: number }>(
          'SELECT part_number, etag, size FROM parts WHERE upload_id = ? ORDER BY part_number',
          [input.uploadId],
        ),
      { readOnly: true },
    );
  let parts = await partsNow();
  const declared = upload.attributes.declared?.size;
  if (parts.length === 0 && declared === 0) {
    // An empty file has no part to send (a client counts ceil(0 / part size) = 0 parts): it completes from one
    // empty part, as one sent by the client would.
    await uploadPart(deps, principal, {
      project: upload.project,
      path: upload.path,
      uploadId: upload.id,
      partNumber: 1,
      body: (async function* () {})(),
      size: 0,
    });
    parts = await partsNow();
  }
  for (const [i, p] of parts.entries())
    if (Number(p.part_number) !== i + 1)
      throw new StorageError('InvalidPart', `Part ${i + 1} was never uploaded.`, { resource: String(i + 1) });
  const total = parts.reduce((n, p) => n + Number(p.size), 0);
  if (declared !== undefined && total !== declared)
    throw new StorageError('InvalidPart', `The parts hold ${total} bytes; the upload declared ${declared}.`);
  return completeUpload(deps, principal, {
    project: upload.project,
    path: upload.path,
    uploadId: upload.id,
    parts: parts.map((p) => ({ partNumber: Number(p.part_number), etag: p.etag })),
    minPartSize: input.minPartSize,
  });
}

/** The version an upload made, for a principal who may write its project; undefined when there is none. */
function completedVersion(
  deps: CoreDeps,
  principal: Principal,
  uploadId: string,
): Promise<VersionInfo | undefined> {
  return deps.meta.tx(
    async (tx) => {
      const row = await tx.get<{ id: string; project_id: string }>(
        'SELECT v.id, f.project_id FROM versions v JOIN files f ON f.id = v.file_id WHERE v.upload_id = ?',
        [uploadId],
      );
      const project = row && (await getProjectById(tx, row.project_id));
      if (!row || !project || !(await allows(tx, { principal, need: 'write-object' }, project)))
        return undefined;
      return getVersionByRowId(tx, row.id);
    },
    { readOnly: true },
  );
}
