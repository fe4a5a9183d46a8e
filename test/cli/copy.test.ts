// mimeo cp and jobs against a real server: whole files and their receipts, byte ranges spliced into a target at an
// offset (compared with the splice done here), versions, snapshots, conflicts, metadata, and tree copies as jobs
// watched to their end and compared file by file.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CREDS } from '../helpers/server.ts';
import { createTestUser, grant } from '../helpers/users.ts';
import { type Kit, startKit } from './verbs-kit.ts';

const data = randomBytes(64 * 1024);
const target = randomBytes(32 * 1024);
const TREE = Array.from({ length: 40 }, (_, i) => [
  `tree/${i % 3 === 0 ? 'a/' : i % 3 === 1 ? 'b/deep/' : ''}file ${i}.bin`,
  randomBytes(i * 97),
]) as [string, Buffer][];

interface Receipt {
  mode: string;
  source: { project: string; path: string; versionId: string };
  target: { project: string; path: string; versionId: string; etag: string };
  bytes: number;
  checksums: { sha256?: string; md5?: string };
}
interface Job {
  id: string;
  kind: string;
  state: string;
  progress: { filesTotal: number; filesCopied: number; bytesCopied: number };
}

describe('mimeo cp and jobs', () => {
  let kit: Kit;
  before(async () => {
    // A file per batch: a tree copy takes a step per file, long enough to be seen running and to be aborted.
    kit = await startKit('mimeo-cli-cp', ['--tree-batch-size', '1']);
    await kit.project('cpsrc', 'enabled');
    await kit.project('cpdst');
    await kit.project('cpall');
    await kit.put('cpsrc', 'data.bin', data);
    await kit.put('cpsrc', 'target.bin', target);
    await Promise.all(TREE.map(([p, b]) => kit.put('cpsrc', p, b)));
  });
  after(() => kit.close());

  test('a whole file: the receipt, into a directory, into another project', async () => {
    const [r] = await kit.json<Receipt>(['cp', ':cpsrc/data.bin', ':cpsrc/copies/one.bin']);
    assert.equal(r!.bytes, data.length);
    assert.deepEqual([r!.source.project, r!.source.path], ['cpsrc', 'data.bin']);
    assert.deepEqual([r!.target.project, r!.target.path], ['cpsrc', 'copies/one.bin']);
    assert.equal(r!.checksums.sha256, createHash('sha256').update(data).digest('hex'));
    assert.ok((await kit.read('cpsrc', 'copies/one.bin')).equals(data));
    const into = await kit.mimeo(['cp', ':cpsrc/data.bin', ':cpsrc/copies/']);
    assert.equal(into.code, 0, into.stderr);
    assert.match(
      into.stdout,
      /^copied :cpsrc\/data\.bin → :cpsrc\/copies\/data\.bin \(64\.0 KiB, \w+, version \S+\)\n$/,
    );
    const [other] = await kit.json<Receipt>(['cp', ':cpsrc/data.bin', ':cpdst']);
    assert.deepEqual([other!.target.project, other!.target.path], ['cpdst', 'data.bin']);
    assert.ok((await kit.read('cpdst', 'data.bin')).equals(data));
  });

  test('--range OFFSET:LENGTH --at OFFSET: the bytes spliced into the target', async () => {
    await kit.put('cpsrc', 'splice.bin', target);
    const [r] = await kit.json<Receipt>([
      'cp',
      '--range',
      '1000:5000',
      '--at',
      '3000',
      ':cpsrc/data.bin',
      ':cpsrc/splice.bin',
    ]);
    assert.equal(r!.bytes, 5000);
    const want = Buffer.from(target);
    data.copy(want, 3000, 1000, 6000);
    assert.ok((await kit.read('cpsrc', 'splice.bin')).equals(want));
    // Past the target's end: the file grows.
    const [g] = await kit.json<Receipt>([
      'cp',
      '--range',
      '60000:',
      '--at',
      String(want.length),
      ':cpsrc/data.bin',
      ':cpsrc/splice.bin',
    ]);
    assert.equal(g!.bytes, data.length - 60000);
    assert.ok((await kit.read('cpsrc', 'splice.bin')).equals(Buffer.concat([want, data.subarray(60000)])));
  });

  test('--version and --snapshot name what of the source is copied', async () => {
    const [v1] = await kit.json<{ versionId: string }>(['stat', ':cpsrc/data.bin']);
    await kit.json(['snapshot', 'create', ':cpsrc', '--name', 'cp-before']);
    await kit.put('cpsrc', 'data.bin', 'changed');
    await kit.json(['cp', '--version', v1!.versionId, ':cpsrc/data.bin', ':cpdst/v1.bin']);
    assert.ok((await kit.read('cpdst', 'v1.bin')).equals(data));
    await kit.json(['cp', '--snapshot', 'cp-before', ':cpsrc/data.bin', ':cpdst/snap.bin']);
    assert.ok((await kit.read('cpdst', 'snap.bin')).equals(data));
    await kit.put('cpsrc', 'data.bin', data);
  });

  test('--conflict fail, rename, overwrite; --metadata replace with attributes', async () => {
    const fail = await kit.mimeo(['cp', '--conflict', 'fail', ':cpsrc/target.bin', ':cpdst/data.bin']);
    assert.equal(fail.code, 1);
    assert.match(fail.stderr, /^mimeo: Conflict: .*\n$/);
    const [ren] = await kit.json<Receipt>([
      'cp',
      '--conflict',
      'rename',
      ':cpsrc/target.bin',
      ':cpdst/data.bin',
    ]);
    assert.equal(ren!.target.path, 'data (1).bin');
    await kit.json(['cp', '--conflict', 'overwrite', ':cpsrc/target.bin', ':cpdst/data.bin']);
    assert.ok((await kit.read('cpdst', 'data.bin')).equals(target));
    await kit.json([
      'cp',
      '--metadata',
      'replace',
      '--content-type',
      'text/csv',
      '--meta',
      'owner=lab',
      '--meta',
      'team=x',
      ':cpsrc/target.bin',
      ':cpdst/meta.csv',
    ]);
    const [s] = await kit.json<{ contentType: string; userMetadata: Record<string, string> }>([
      'stat',
      ':cpdst/meta.csv',
    ]);
    assert.equal(s!.contentType, 'text/csv');
    assert.deepEqual(s!.userMetadata, { owner: 'lab', team: 'x' });
  });

  test('cp -r: a tree copy job watched to its end, every file the same', async () => {
    const [job] = await kit.json<Job>(['cp', '-r', ':cpsrc/tree', ':cpdst/tree-copy']);
    assert.equal(job!.kind, 'tree-copy');
    assert.equal(job!.state, 'succeeded');
    assert.equal(job!.progress.filesCopied, TREE.length);
    assert.equal(
      job!.progress.bytesCopied,
      TREE.reduce((n, [, b]) => n + b.length, 0),
    );
    const copied = await kit.json<{ path: string; etag: string }>(['ls', '-r', ':cpdst/tree-copy']);
    assert.deepEqual(
      copied.map((f) => f.path).sort(),
      TREE.map(([p]) => p.replace(/^tree\//, 'tree-copy/')).sort(),
    );
    for (const [p, b] of TREE)
      assert.ok((await kit.read('cpdst', p.replace(/^tree\//, 'tree-copy/'))).equals(b), p);
    // The whole project into an empty one; a directory without -r is a usage error.
    const [all] = await kit.json<Job>(['cp', '-r', ':cpsrc', ':cpall']);
    assert.equal(all!.state, 'succeeded');
    const src = await kit.json<{ path: string; etag: string }>(['ls', '-r', ':cpsrc']);
    const dst = await kit.json<{ path: string; etag: string }>(['ls', '-r', ':cpall']);
    const pairs = (l: { path: string; etag: string }[]) => l.map((f) => `${f.path} ${f.etag}`);
    assert.deepEqual(pairs(dst), pairs(src));
    assert.equal(dst.length, src.length);
    const noR = await kit.mimeo(['cp', ':cpsrc/tree', ':cpdst/x']);
    assert.equal(noR.code, 2);
    assert.match(noR.stderr, /^mimeo: ':cpsrc\/tree' is a directory: copy it with -r\n/);
  });

  test('on a terminal, a tree copy draws a bar of entries and ends with a summary', async (t) => {
    const r = await kit.terminal(['cp', '-r', ':cpsrc/tree', ':cpdst/on-a-tty']);
    if (r.code === 127) return t.skip('util-linux script is not installed');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes('\u001b['), 'the bar is drawn with escape sequences');
    assert.match(r.stdout, /tree-copy +.*\d+% \d+\/40 /);
    assert.match(r.stdout, /tree-copy succeeded: 40\/40 files, [\d.]+ KiB in [\d.]+ s\r?\n/);
    assert.match(r.stdout, /copied :cpsrc\/tree\/ → :cpdst\/on-a-tty\/ \(40\/40 files, /);
    const piped = await kit.mimeo(['cp', '-r', ':cpsrc/tree', ':cpdst/piped']);
    const all = piped.stdout + piped.stderr;
    assert.ok(!all.includes('\u001b') && !all.includes('\r'), all);
  });

  test('cp -r --no-wait prints the job; jobs watch, list and abort', async () => {
    const [started] = await kit.json<Job>(['cp', '-r', '--no-wait', ':cpsrc/tree', ':cpdst/later']);
    assert.ok(['queued', 'running', 'succeeded'].includes(started!.state));
    assert.equal(started!.progress.filesTotal, TREE.length);
    const [watched] = await kit.json<Job>(['jobs', 'watch', started!.id]);
    assert.deepEqual(
      [watched!.id, watched!.state, watched!.progress.filesCopied],
      [started!.id, 'succeeded', TREE.length],
    );
    const jobs = await kit.json<Job>(['jobs', 'list']);
    assert.equal(jobs[0]!.id, started!.id);
    assert.ok(jobs.every((j) => j.kind === 'tree-copy' && j.state === 'succeeded'));
    const text = await kit.mimeo(['jobs', 'list']);
    assert.match(
      text.stdout.split('\n')[0]!,
      new RegExp(`^${started!.id}  tree-copy  succeeded  ${TREE.length}/${TREE.length} files, `),
    );
    const abort = await kit.mimeo(['jobs', 'abort', started!.id]);
    assert.equal(abort.code, 1);
    assert.match(abort.stderr, /^mimeo: JobNotActive: The job is already succeeded\.\n$/);
    // A job aborted while it runs: watching it ends in exit 1.
    let aborted: Job | undefined;
    for (let i = 0; i < 5 && !aborted; i++) {
      const { job } = await kit.api<{ job: Job }>('POST', '/api/v1/copy', {
        source: { project: 'cpsrc', path: 'tree/' },
        target: { project: 'cpdst', path: `aborted-${i}` },
      });
      try {
        aborted = await kit.api<Job>('DELETE', `/api/v1/jobs/${job.id}`);
      } catch {
        // It ended before the abort reached it: try again.
      }
    }
    assert.ok(aborted, 'a tree copy was aborted while it ran');
    const w = await kit.mimeo(['jobs', 'watch', aborted.id]);
    assert.equal(w.code, 1);
    assert.match(w.stderr, new RegExp(`^mimeo: \\w+: job ${aborted.id} aborted`));
    const none = await kit.mimeo(['jobs', 'watch', 'j-nonesuch']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^mimeo: NoSuchJob: /);
  });

  test('refused: between two servers (2), a user who may only read (1, AccessDenied)', async () => {
    const elsewhere = { MIMEO_SERVER_ELSEWHERE_URL: 'http://127.0.0.1:9' };
    const two = await kit.mimeo(['cp', ':cpsrc/data.bin', 'elsewhere:cpdst/data.bin'], { env: elsewhere });
    assert.equal(two.code, 2);
    assert.match(two.stderr, /^mimeo: cannot copy between two servers \(the default and elsewhere\)/);
    const unknown = await kit.mimeo(['cp', ':cpsrc/data.bin', 'nowhere:cpdst/data.bin']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^mimeo: no server named 'nowhere'/);
    // Another name for the same URL is the same server.
    const here = {
      MIMEO_SERVER_HERE_URL: kit.server.url,
      MIMEO_SERVER_HERE_ACCESS_KEY: CREDS.MIMEO_ROOT_ACCESS_KEY,
      MIMEO_SERVER_HERE_SECRET_KEY: CREDS.MIMEO_ROOT_SECRET_KEY,
    };
    const same = await kit.mimeo(['cp', ':cpsrc/target.bin', 'here:cpdst/here.bin'], { env: here });
    assert.equal(same.code, 0, same.stderr);
    assert.ok((await kit.read('cpdst', 'here.bin')).equals(target));
    const reader = await createTestUser(kit.server, 'cpreader');
    await grant(kit.server, 'cpsrc', reader.id, 'read');
    await grant(kit.server, 'cpdst', reader.id, 'read');
    const keys = { accessKey: reader.accessKey, secretKey: reader.secretKey };
    const ok = await kit.mimeo(['cat', ':cpsrc/target.bin'], { keys });
    assert.equal(ok.code, 0, ok.stderr);
    const r = await kit.mimeo(['cp', ':cpsrc/data.bin', ':cpdst/reader.bin'], { keys });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^mimeo: AccessDenied: [^\n]*\n$/);
  });
});
