// mimeo put -r and get -r of a tree of 500 small files (nested directories, names with spaces, sizes from 0 to
// 20 KiB) and of one 200 MiB file that goes up in parts: every byte back as it was, the --json lines naming each
// file with its size and the CRC-64/NVME the test computes, and --checksum passing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { type CliOptions, jsonLines, mimeo } from '../helpers/cli.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { compareFiles, makeProject, randomFile } from './transfer-kit.ts';

interface PutLine {
  source: string;
  target: string;
  size: number;
  etag: string;
  checksums: { crc64nvme: string };
  parts?: number;
  partsSent?: number;
}

/** A small seeded generator (xorshift32): the same tree shape on every run. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe('mimeo put -r and get -r: a tree and a large file, round trip', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let cli: CliOptions;
  const expected = new Map<string, { crc: string; data: Buffer }>();

  before(async () => {
    tmp = await tempDir('mimeo-cli-tree');
    server = await startServer({ dataDir: join(tmp.path, 'data') });
    cli = { url: server.url, clientConfig: join(tmp.path, 'client.json'), cwd: tmp.path };
    await makeProject(server, 'media');
    const next = prng(20261205);
    for (let i = 0; i < 500; i++) {
      const dir = [
        `d${i % 7}`,
        ...(i % 3 === 0 ? [`sub ${i % 5}`] : []),
        ...(i % 11 === 0 ? ['deep', 'er'] : []),
      ];
      const rel = [...dir, `file ${i}.bin`].join('/');
      const size = i % 50 === 0 ? 0 : next(20 * 1024);
      const data = randomBytes(size);
      mkdirSync(join(tmp.path, 'tree', ...dir), { recursive: true });
      writeFileSync(join(tmp.path, 'tree', rel), data);
      expected.set(rel, { crc: new Crc64Nvme().update(data).digest(), data });
    }
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  test('500 files: put -r into a project, get -r back, byte for byte, checksums checked', async () => {
    const put = await mimeo(['put', '-r', '--json', '--checksum', '-j', '8', 'tree', ':media/'], cli);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.stderr, '');
    const lines = jsonLines<PutLine>(put.stdout);
    assert.equal(lines.length, 500);
    for (const l of lines) {
      const rel = l.source.slice('tree/'.length);
      const want = expected.get(rel);
      assert.ok(want, l.source);
      assert.equal(l.target, `:media/tree/${rel}`);
      assert.equal(l.size, want.data.length);
      assert.equal(l.checksums.crc64nvme, want.crc, rel);
      assert.equal(l.parts, undefined);
    }
    assert.equal(new Set(lines.map((l) => l.target)).size, 500);

    // A local name that does not exist: the tree's contents become it.
    const got = await mimeo(['get', '-r', '--json', '--checksum', ':media/tree', 'back'], cli);
    assert.equal(got.code, 0, got.stderr);
    const glines = jsonLines<{ source: string; target: string; size: number }>(got.stdout);
    assert.equal(glines.length, 500);
    for (const g of glines) {
      const rel = g.source.slice(':media/tree/'.length);
      assert.equal(g.target, join('back', rel));
      assert.equal(g.size, expected.get(rel)!.data.length);
    }
    for (const [rel, want] of expected)
      assert.ok(readFileSync(join(tmp.path, 'back', rel)).equals(want.data), rel);

    // An existing local directory: the tree goes into it under its own name.
    mkdirSync(join(tmp.path, 'into'));
    const into = await mimeo(['get', '-r', ':media/tree/d1', 'into'], cli);
    assert.equal(into.code, 0, into.stderr);
    assert.equal(into.stdout, '');
    const one = [...expected.keys()].find((k) => k.startsWith('d1/'))!;
    assert.ok(readFileSync(join(tmp.path, 'into', one)).equals(expected.get(one)!.data));

    // A local file where the tree's directory would go: one line naming it, as mkdir says it, exit 1, no stack.
    writeFileSync(join(tmp.path, 'afile'), 'kept');
    const blocked = await mimeo(['get', '-r', ':media/tree/d1', 'afile/x'], cli);
    assert.equal(blocked.code, 1);
    assert.equal(blocked.stderr, "mimeo: cannot create directory 'afile/x': Not a directory\n");
    assert.equal(readFileSync(join(tmp.path, 'afile'), 'utf8'), 'kept');
  });

  test('200 MiB: put in 16 MiB parts, get back, byte for byte', async () => {
    const big = join(tmp.path, 'big.bin');
    const crc = await randomFile(big, 200 * 1024 * 1024);
    const put = await mimeo(['put', '--json', '--checksum', 'big.bin', ':media/large/'], cli);
    assert.equal(put.code, 0, put.stderr);
    const [line, ...more] = jsonLines<PutLine>(put.stdout);
    assert.equal(more.length, 0);
    assert.equal(line!.target, ':media/large/big.bin');
    assert.equal(line!.size, 200 * 1024 * 1024);
    assert.equal(line!.parts, 13);
    assert.equal(line!.partsSent, 13);
    assert.match(line!.etag, /-13$/);
    assert.equal(line!.checksums.crc64nvme, crc);

    const got = await mimeo(['get', '--json', '--checksum', ':media/large/big.bin', 'big.back'], cli);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(jsonLines(got.stdout), [
      { source: ':media/large/big.bin', target: 'big.back', size: 200 * 1024 * 1024 },
    ]);
    assert.ok(await compareFiles(big, join(tmp.path, 'big.back')));
  });
});
