// One large file up in parts through the native upload routes: start an upload (or take up the one an earlier run
// left, listing the parts it already has), send the missing parts side by side, each streamed from its range of
// the file, then complete. The upload's id is kept until it completes, so an interrupted put resumes.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ApiError, seg } from '../client.ts';
import { composeCrc, crc64FromBase64, Digests, MismatchError, verify } from './checksums.ts';
import { forEachLimit, isFatal } from './pool.ts';
import { putResult } from './put-file.ts';
import { sendRange } from './send-range.ts';
import type { FileJson, PutJob, PutResult, Run } from './types.ts';

/** S3's (and the native API's) largest part count. */
const MAX_PARTS = 10_000;

interface PartJson {
  partNumber: number;
  etag: string;
  size: number;
  checksums?: { crc64nvme?: string };
}

/** The part size for a file: the one asked for, grown so that the file fits in MAX_PARTS parts. */
export function partSizeFor(size: number, wanted: number, serverMin = 0): number {
  return Math.max(wanted, serverMin, Math.ceil(size / MAX_PARTS));
}

/** The ranges of a file's parts: numbers from 1, sizes all `partSize` but the last. */
export function partRanges(size: number, partSize: number): { n: number; start: number; size: number }[] {
  const out: { n: number; start: number; size: number }[] = [];
  for (let n = 1, start = 0; start < size; n++, start += partSize)
    out.push({ n, start, size: Math.min(partSize, size - start) });
  return out;
}

export async function putMultipart(run: Run, job: PutJob): Promise<PutResult> {
  const base = `/api/v1/projects/${seg(run.project)}/uploads`;
  const key = [run.api.origin, run.project, job.path].join('\n');
  const bar = run.progress.bar(job.path, job.size);
  try {
    const { uploadId, partSize, have } = await begin(run, job, key);
    const ranges = partRanges(job.size, partSize);
    const etags = new Map<number, string>();
    const crcs = new Map<number, bigint>();
    const missing = ranges.filter((r) => {
      const p = have.get(r.n);
      if (p?.size !== r.size) return true;
      etags.set(r.n, p.etag);
      bar.advance(r.size);
      return false;
    });
    if (run.checksum) {
      // The parts an earlier run sent are checked against the file as it is now.
      for (const r of ranges.filter((x) => etags.has(x.n))) {
        const crc = await localCrc(job.local, r.start, r.size);
        const theirs = have.get(r.n)?.checksums?.crc64nvme;
        if (theirs === undefined || crc64FromBase64(theirs) !== crc)
          throw new MismatchError('ChecksumMismatch', `part ${r.n} on the server differs from the file`);
        crcs.set(r.n, crc);
      }
    }
    await forEachLimit(missing, run.parallel, async (r) => {
      const { reply, digests } = await sendRange(run, {
        path: `${base}/${seg(uploadId)}/parts/${r.n}`,
        local: job.local,
        start: r.start,
        size: r.size,
        algorithms: ['crc64nvme'],
        bar,
      });
      const part = reply as PartJson;
      const crc = digests?.crcBigInt();
      verify(
        { size: r.size, sums: digests?.digest() },
        { size: part.size, sums: part.checksums },
        run.checksum,
      );
      etags.set(r.n, part.etag);
      if (crc !== undefined) crcs.set(r.n, crc);
    });
    const file = await run.api
      .call<FileJson>('POST', `${base}/${seg(uploadId)}/complete`, {
        parts: ranges.map((r) => ({ partNumber: r.n, etag: etags.get(r.n)! })),
      })
      .catch((err: unknown) => {
        // Refused parts would be refused again: the next run starts a new upload.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && !isFatal(err))
          run.state.dropUpload(key);
        throw err;
      });
    run.state.dropUpload(key);
    const whole = run.checksum
      ? { crc64nvme: composeCrc(ranges.map((r) => ({ crc: crcs.get(r.n)!, size: r.size }))) }
      : undefined;
    verify({ size: job.size, sums: whole }, { size: file.size, sums: file.checksums }, run.checksum);
    return { ...putResult(run, job, file), parts: ranges.length, partsSent: missing.length };
  } finally {
    bar.done();
  }
}

/**
 * The local file's identity for a resume: its device, inode and change time. The change time moves with every write
 * to the file and every change of its times, mode or owner, so a file whose bytes changed in place is told apart even
 * when its size and modification time were put back; another file renamed onto its name has another inode.
 */
async function identity(local: string): Promise<string> {
  const s = await stat(local, { bigint: true });
  return `${s.dev}:${s.ino}:${s.ctimeNs}`;
}

/**
 * The upload to send parts to: the one kept for this path if the server still has it and the local file has not
 * changed since it began (its size, modification time and identity), else a new one. The upload of a file that has
 * changed is aborted: its parts hold bytes the file no longer has, and left open it would keep them on the server.
 */
async function begin(
  run: Run,
  job: PutJob,
  key: string,
): Promise<{ uploadId: string; partSize: number; have: Map<number, PartJson> }> {
  const base = `/api/v1/projects/${seg(run.project)}/uploads`;
  let kept = run.state.upload(key);
  const file = await identity(job.local);
  if (kept && (kept.size !== job.size || kept.mtimeMs !== job.mtimeMs || kept.file !== file)) {
    await run.api.call('DELETE', `${base}/${seg(kept.uploadId)}`).catch((err: unknown) => {
      // Completed, aborted or expired meanwhile: nothing to abort.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    });
    run.state.dropUpload(key);
    kept = undefined;
  }
  if (kept) {
    try {
      const have = new Map<number, PartJson>();
      let after: string | null = null;
      do {
        const page: { parts: PartJson[]; next?: string | null } = await run.api.call(
          'GET',
          `${base}/${seg(kept.uploadId)}${after === null ? '' : `?after=${encodeURIComponent(after)}`}`,
        );
        for (const p of page.parts) have.set(p.partNumber, p);
        after = page.next ?? null;
      } while (after !== null);
      return { uploadId: kept.uploadId, partSize: kept.partSize, have };
    } catch (err) {
      // Completed, aborted or expired meanwhile: start again.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      run.state.dropUpload(key);
    }
  }
  const u = await run.api.call<{ uploadId: string; minPartSize?: number }>('POST', base, {
    path: job.path,
    contentType: 'application/octet-stream',
  });
  const partSize = partSizeFor(job.size, run.partSize, u.minPartSize);
  run.state.saveUpload(key, { uploadId: u.uploadId, partSize, size: job.size, mtimeMs: job.mtimeMs, file });
  return { uploadId: u.uploadId, partSize, have: new Map() };
}

async function localCrc(file: string, start: number, size: number): Promise<bigint> {
  const d = new Digests(['crc64nvme']);
  for await (const c of createReadStream(file, { start, end: start + size - 1 })) d.update(c as Buffer);
  return d.crcBigInt()!;
}
