// What the transfer tests share: a project made through the API, large random files written in pieces (with their
// CRC), and files compared piece by piece.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import type { RunningServer } from '../helpers/server.ts';

export async function api(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await server.token()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function makeProject(server: RunningServer, name: string): Promise<void> {
  const r = await api(server, 'POST', '/api/v1/projects', { name });
  if (r.status !== 201) throw new Error(`project ${name}: ${r.status} ${await r.text()}`);
}

/** Writes `size` random bytes to `file` 4 MiB at a time; their CRC-64/NVME (base64). */
export async function randomFile(file: string, size: number): Promise<string> {
  const crc = new Crc64Nvme();
  const h = await open(file, 'w');
  try {
    for (let at = 0; at < size; ) {
      const piece = randomBytes(Math.min(4 * 1024 * 1024, size - at));
      crc.update(piece);
      await h.write(piece);
      at += piece.length;
    }
  } finally {
    await h.close();
  }
  return crc.digest();
}

/** The CRC-64/NVME (base64) of the bytes of `file`. */
export async function crcOf(file: string): Promise<string> {
  const crc = new Crc64Nvme();
  for await (const piece of createReadStream(file)) crc.update(piece as Buffer);
  return crc.digest();
}

/** Whether two files hold the same bytes, read 1 MiB at a time from each. */
export async function compareFiles(a: string, b: string): Promise<boolean> {
  const [ha, hb] = [await open(a), await open(b)];
  try {
    const [ba, bb] = [Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)];
    for (let at = 0; ; ) {
      const [ra, rb] = await Promise.all([ha.read(ba, 0, ba.length, at), hb.read(bb, 0, bb.length, at)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      at += ra.bytesRead;
    }
  } finally {
    await ha.close();
    await hb.close();
  }
}
