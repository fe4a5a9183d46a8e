// One file up in one request: PUT /api/v1/projects/{p}/files/{path}, its body streamed from the file with its
// length declared, its size (and with --checksum its CRC-64/NVME and MD5) compared with the server's answer.
import { createReadStream } from 'node:fs';
import { replyJson, seg, segs } from '../client.ts';
import { show } from '../remote.ts';
import { Digests, tap, verify } from './checksums.ts';
import type { FileJson, PutJob, PutResult, Run } from './types.ts';

export async function putFile(run: Run, job: PutJob): Promise<PutResult> {
  const bar = run.progress.bar(job.path, job.size);
  try {
    const digests = run.checksum ? new Digests(['crc64nvme', 'md5']) : undefined;
    let body: Buffer | NodeJS.ReadableStream;
    if (job.size === 0) {
      body = Buffer.alloc(0);
      digests?.update(body);
    } else {
      // Exactly the size declared, even if the file grows meanwhile.
      const file = createReadStream(job.local, { start: 0, end: job.size - 1 });
      const counted = tap(digests, (n) => bar.advance(n));
      file.on('error', (err) => counted.destroy(err));
      body = file.pipe(counted);
    }
    const res = await run.api.raw({
      method: 'PUT',
      path: `/api/v1/projects/${seg(run.project)}/files/${segs(job.path)}`,
      headers: { 'content-length': String(job.size), 'content-type': 'application/octet-stream' },
      body,
    });
    const file = (await replyJson(res)) as FileJson;
    verify(
      { size: job.size, sums: digests?.digest() },
      { size: file.size, sums: file.checksums },
      run.checksum,
    );
    return {
      source: job.local,
      target: show(run.server, run.project, job.path),
      size: file.size,
      etag: file.etag,
      versionId: file.versionId,
      checksums: file.checksums,
    };
  } finally {
    bar.done();
  }
}
