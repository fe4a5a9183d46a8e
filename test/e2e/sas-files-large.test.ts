// The SAS Files copy of a large file is a copy by reference: a 1 GiB file, created as a raw stream, is copied into
// another folder and the data directory does not grow by a block; the copy reads back byte for byte at its ends.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type FilesEnv, openSasFiles } from '../helpers/sas-files.ts';

const GiB = 1024 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

/** The bytes under a directory, every file counted. */
async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(d.parentPath, d.name);
    total += d.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** The i-th chunk of the file: each differs, so the copy's bytes prove their place. */
const chunk = (i: number) => Buffer.alloc(CHUNK, i % 251).fill(`chunk ${i};`, 0, 16);

let env: FilesEnv;
before(async () => {
  env = await openSasFiles();
});
after(async () => env?.close());

test('a 1 GiB copy is a copy by reference: the data directory does not grow', {
  timeout: 600_000,
}, async (t) => {
  await env.user('gen', 'gen-password-1');
  await env.project('big-proj', { gen: 'write' });
  const from = await env.dir('big-proj', 'from');
  const to = await env.dir('big-proj', 'to');
  const bearer = await env.tokenOf('gen', 'gen-password-1');
  const agent = new Agent({ ca: env.ca });
  const created = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${env.server.url}/files/files?parentFolderUri=/folders/folders/${from}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/octet-stream',
          'content-disposition': 'attachment; filename="genome.bam"',
          'content-length': String(GiB),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    let i = 0;
    const write = () => {
      while (i < GiB / CHUNK) {
        if (!req.write(chunk(i++))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
  assert.equal(created.status, 201, created.text);
  const source = JSON.parse(created.text) as { id: string; size: number };
  assert.equal(source.size, GiB);

  const before = await dirBytes(env.dataDir);
  const r = await env.as(
    bearer,
    'POST',
    `/files/files/${source.id}/copy?parentFolderUri=/folders/folders/${to}`,
    {
      headers: { 'content-type': 'application/json' },
    },
  );
  assert.equal(r.status, 201, r.text);
  const copy = JSON.parse(r.text) as { id: string; size: number };
  assert.equal(copy.size, GiB);
  const grown = (await dirBytes(env.dataDir)) - before;
  // Metadata only: a few rows in the database (and its write-ahead log), not a block of the file.
  assert.ok(grown < 1024 * 1024, `the data directory grew by ${grown} bytes`);
  t.diagnostic(`the copy grew the data directory by ${grown} bytes`);

  const last = GiB / CHUNK - 1;
  for (const [i, range] of [
    [0, `bytes=0-${CHUNK - 1}`],
    [last, `bytes=${last * CHUNK}-${GiB - 1}`],
  ] as const) {
    const body = await new Promise<Buffer>((resolve, reject) => {
      request(
        `${env.server.url}/files/files/${copy.id}/content`,
        { agent, headers: { authorization: `Bearer ${bearer}`, range } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve(Buffer.concat(parts)));
        },
      )
        .on('error', reject)
        .end();
    });
    assert.ok(body.equals(chunk(i)), `chunk ${i} differs`);
  }
  agent.destroy();
});
