// The SAS copies against a real `mimeo serve` on the embedded default: the Files copy of a 1 KiB and of a 1 GiB
// file (latency, their ratio, and the data directory's growth across the copies), and the Compute copy of a
// directory of many small files (one atomic tree copy, answered once committed).
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import {
  call,
  checkpointWal,
  dirBytes,
  median,
  ms,
  now,
  pool,
  type Server,
  send,
  startMimeo,
  upload,
} from './lib.ts';

const KiB = 1024;
const GiB = 1024 ** 3;
const PROJECT = 'bench';
const json = (x: unknown) => JSON.stringify(x);

function ok(r: { status: number; body: string | Buffer }, what: string, status = 201) {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body.toString().slice(0, 300)}`);
  return JSON.parse(r.body.toString());
}

/** A directory made through the native API: its UUID. */
async function dirUuid(s: Server, path: string): Promise<string> {
  const r = await call(s.url, s.token, 'PUT', `/api/v1/projects/${PROJECT}/dirs/${path}?parents=true`);
  return ok(r, `mkdir ${path}`).ids.uuid as string;
}

/** A file's UUID, by listing its directory through the native API. */
async function fileUuid(s: Server, dir: string, name: string): Promise<string> {
  const r = await call(s.url, s.token, 'GET', `/api/v1/projects/${PROJECT}/dirs/${dir}?limit=10000`);
  const e = (ok(r, `ls ${dir}`, 200).entries as { name: string; ids: { uuid: string } }[]).find(
    (x) => x.name === name,
  );
  if (!e) throw new Error(`${dir}/${name} is not listed`);
  return e.ids.uuid;
}

/** Copies the file `id` into the folder `folder` as `name`: the time it took, in ms. */
async function filesCopy(s: Server, id: string, folder: string, name: string): Promise<number> {
  const t0 = now();
  const r = await send(s.url, {
    method: 'POST',
    path: `/files/files/${id}/copy?parentFolderUri=/folders/folders/${folder}`,
    token: s.token,
    headers: { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${name}"` },
  });
  const t = ms(t0);
  ok(r, `copy ${name}`);
  return t;
}

export async function benchSas(
  dataDir: string,
  options: { copies: number; treeFiles: number },
): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const s = await startMimeo(dataDir);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    ok(await call(s.url, s.token, 'POST', '/api/v1/projects', json({ name: PROJECT })), 'project');
    const dst = await dirUuid(s, 'dst');
    await dirUuid(s, 'src');
    const chunk = randomBytes(4 * 1024 * 1024);
    ok(
      await upload(s.url, s.token, `/api/v1/projects/${PROJECT}/files/src/small`, KiB, chunk),
      'put 1 KiB',
      201,
    );
    ok(
      await upload(s.url, s.token, `/api/v1/projects/${PROJECT}/files/src/big`, GiB, chunk),
      'put 1 GiB',
      201,
    );
    const small = await fileUuid(s, 'src', 'small');
    const big = await fileUuid(s, 'src', 'big');

    checkpointWal(dataDir);
    const before = dirBytes(dataDir);
    const k: number[] = [];
    const g: number[] = [];
    for (let i = 0; i < options.copies; i++) {
      k.push(await filesCopy(s, small, dst, `small-${i}`));
      g.push(await filesCopy(s, big, dst, `big-${i}`));
    }
    checkpointWal(dataDir);
    const grown = dirBytes(dataDir) - before;

    const files = Array.from({ length: options.treeFiles }, (_, i) => i);
    await pool(files, 16, async (i) => {
      const r = await send(s.url, {
        method: 'PUT',
        path: `/api/v1/projects/${PROJECT}/files/tree/d${i % 10}/f${i}`,
        token: s.token,
        body: Buffer.from(`file ${i}\n`),
      });
      if (r.status !== 201 && r.status !== 200) throw new Error(`put tree file ${i}: ${r.status}`);
    });
    const contexts = ok(await call(s.url, s.token, 'GET', '/compute/contexts'), 'contexts', 200).items as {
      id: string;
    }[];
    const session = ok(
      await call(s.url, s.token, 'POST', `/compute/contexts/${contexts[0]!.id}/sessions`, json({})),
      'session',
    ).id as string;
    const tree: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = now();
      const r = await send(s.url, {
        method: 'POST',
        path: `/compute/sessions/${session}/files/${encodeURIComponent(`~fs~${PROJECT}~fs~tree-copy-${i}`)}`,
        token: s.token,
        body: json({ name: 'tree', path: `/${PROJECT}` }),
        headers: { 'content-type': 'application/vnd.sas.compute.file.request+json' },
      });
      tree.push(ms(t0));
      ok({ ...r, body: r.body.toString() }, `compute copy ${i}`);
    }

    log(
      `SAS copies (${options.copies} Files copies of each size; Compute tree of ${options.treeFiles} files, 3 runs)`,
    );
    log('| measure | median |');
    log('|---|---|');
    log(`| Files copy, 1 KiB | ${median(k).toFixed(1)} ms |`);
    log(`| Files copy, 1 GiB | ${median(g).toFixed(1)} ms |`);
    log(`| ratio Files copy 1 GiB / 1 KiB | ${(median(g) / median(k)).toFixed(2)}x |`);
    log(`| data directory growth over all ${2 * options.copies} copies | ${(grown / KiB).toFixed(0)} KiB |`);
    log(`| Compute copy of a ${options.treeFiles}-file directory | ${median(tree).toFixed(0)} ms |`);
  } finally {
    await s.stop();
  }
}
