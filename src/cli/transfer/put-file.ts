// One file up in one request: PUT /api/v1/projects/{p}/files/{path}, the file streamed as its body; its size
// (and with --checksum its CRC-64/NVME and MD5) compared with the server's answer.
import { seg, segs } from '../client.ts';
import { show } from '../remote.ts';
import { verify } from './checksums.ts';
import { sendRange } from './send-range.ts';
import type { FileJson, PutJob, PutResult, Run } from './types.ts';

export async function putFile(run: Run, job: PutJob): Promise<PutResult> {
  const bar = run.progress.bar(job.path, job.size);
  try {
    const { reply, digests } = await sendRange(run, {
      path: `/api/v1/projects/${seg(run.project)}/files/${segs(job.path)}`,
      local: job.local,
      start: 0,
      size: job.size,
      algorithms: ['crc64nvme', 'md5'],
      bar,
    });
    const file = reply as FileJson;
    verify(
      { size: job.size, sums: digests?.digest() },
      { size: file.size, sums: file.checksums },
      run.checksum,
    );
    return putResult(run, job, file);
  } finally {
    bar.done();
  }
}

/** What a put of `job` reports: the file as the server made it. */
export function putResult(run: Run, job: PutJob, file: FileJson): PutResult {
  return {
    source: job.local,
    target: show(run.server, run.project, job.path),
    size: file.size,
    etag: file.etag,
    versionId: file.versionId,
    checksums: file.checksums,
  };
}
