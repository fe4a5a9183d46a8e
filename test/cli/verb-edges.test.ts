// Where a verb meets the edge of what it names, as the GNU tools meet it: rm -r of a file removes it, mv of a path
// onto itself fails and changes nothing, and a byte range (cp, cat) starts before the end of its file or is
// InvalidRange, `0:` being the whole file, an empty one too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Kit, startKit } from './verbs-kit.ts';

const P = 'edges';
const TEN = '0123456789';

describe('mimeo verbs at the edges', () => {
  let kit: Kit;
  /** Whether a file is at `path`, through the API. */
  const exists = async (path: string) =>
    kit.read(P, path).then(
      () => true,
      () => false,
    );

  before(async () => {
    kit = await startKit('mimeo-cli-edges');
    await kit.project(P);
    await kit.put(P, 'ten.bin', TEN);
    await kit.put(P, 'empty.bin', '');
  });
  after(() => kit.close());

  test('rm -r of a file removes it, as rm does; FILE/ with -r is still NotADirectory', async () => {
    await kit.put(P, 'solo.txt', 'solo\n');
    const r = await kit.mimeo(['rm', '-r', `:${P}/solo.txt`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `deleted :${P}/solo.txt\n`);
    assert.equal(r.stderr, '');
    assert.equal(await exists('solo.txt'), false);

    await kit.put(P, 'kept.txt', 'kept\n');
    const slash = await kit.mimeo(['rm', '-r', `:${P}/kept.txt/`]);
    assert.equal(slash.code, 1);
    assert.match(slash.stderr, /^mimeo: NotADirectory: /);
    assert.ok((await kit.read(P, 'kept.txt')).equals(Buffer.from('kept\n')));

    // A file and a tree in one rm -r: both go.
    await kit.put(P, 'both/f.txt', 'f');
    await kit.put(P, 'lone.txt', 'lone');
    const two = await kit.mimeo(['rm', '-r', `:${P}/lone.txt`, `:${P}/both`]);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(await exists('lone.txt'), false);
    assert.equal(await exists('both/f.txt'), false);
  });

  test("mv of a path onto itself: 'the same file', exit 1, nothing changed", async () => {
    await kit.put(P, 'same/a.txt', 'alpha');
    const before = await kit.json<{ id: string; etag: string }>(['stat', `:${P}/same/a.txt`]);
    const cases: [string, string, string][] = [
      [`:${P}/same/a.txt`, `:${P}/same/a.txt`, `:${P}/same/a.txt`],
      // Into the directory it is in: the same path.
      [`:${P}/same/a.txt`, `:${P}/same/`, `:${P}/same/a.txt`],
      // A directory onto itself, and into the project it is at the top of.
      [`:${P}/same`, `:${P}/same`, `:${P}/same`],
      [`:${P}/same/`, `:${P}`, `:${P}/same`],
    ];
    for (const [from, to, shown] of cases) {
      const r = await kit.mimeo(['mv', from, to]);
      assert.equal(r.code, 1, `mv ${from} ${to}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `mimeo: '${from}' and '${shown}' are the same file\n`);
    }
    const after = await kit.json<{ id: string; etag: string }>(['stat', `:${P}/same/a.txt`]);
    assert.deepEqual([after[0]!.id, after[0]!.etag], [before[0]!.id, before[0]!.etag]);
    assert.ok((await kit.read(P, 'same/a.txt')).equals(Buffer.from('alpha')));
    const listed = await kit.mimeo(['ls', `:${P}/same`]);
    assert.equal(listed.stdout, 'a.txt\n');

    // Nothing there: the server's NoSuchKey, not "the same file".
    const none = await kit.mimeo(['mv', `:${P}/nothing`, `:${P}/nothing`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^mimeo: NoSuchKey: /);
  });

  test('cp --range starting at or past the end of the source: InvalidRange, exit 1, nothing made', async () => {
    const cases: [string, string][] = [
      ['10:', 'at'],
      ['10:4', 'at'],
      ['12:3', 'past'],
    ];
    for (const [i, [range, where]] of cases.entries()) {
      const r = await kit.mimeo(['cp', '--range', range, `:${P}/ten.bin`, `:${P}/out-${i}.bin`]);
      assert.equal(r.code, 1, `--range ${range}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `mimeo: InvalidRange: --range ${range} starts ${where} the end of :${P}/ten.bin (10 bytes)\n`,
      );
      assert.equal(await exists(`out-${i}.bin`), false);
    }
    // Into an existing file at an offset: refused the same, the file as it was.
    await kit.put(P, 'into.bin', 'abcdef');
    const into = await kit.mimeo(['cp', '--range', '10:', '--at', '2', `:${P}/ten.bin`, `:${P}/into.bin`]);
    assert.equal(into.code, 1);
    assert.match(into.stderr, /^mimeo: InvalidRange: /);
    assert.ok((await kit.read(P, 'into.bin')).equals(Buffer.from('abcdef')));
  });

  test('cp --range running past the end is cut there, and the bytes copied say so', async () => {
    const r = await kit.mimeo(['cp', '--range', '8:5', `:${P}/ten.bin`, `:${P}/tail.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^copied :${P}/ten\\.bin → :${P}/tail\\.bin \\(2 B, `));
    assert.equal(r.stderr, `--range 8:5 runs past the end of :${P}/ten.bin: 2 bytes copied\n`);
    assert.ok((await kit.read(P, 'tail.bin')).equals(Buffer.from('89')));
    const [json] = await kit.json<{ bytes: number }>([
      'cp',
      '--range',
      '8:',
      `:${P}/ten.bin`,
      `:${P}/rest.bin`,
    ]);
    assert.equal(json!.bytes, 2);
    // Within the source: no note.
    const inside = await kit.mimeo(['cp', '--range', '2:3', `:${P}/ten.bin`, `:${P}/mid.bin`]);
    assert.equal(inside.code, 0, inside.stderr);
    assert.equal(inside.stderr, '');
    assert.ok((await kit.read(P, 'mid.bin')).equals(Buffer.from('234')));
  });

  test('cp --range of a version or a snapshot: its size is the one met, and the messages name it', async () => {
    const V = 'edges-versions';
    await kit.project(V, 'enabled');
    await kit.put(V, 'f.bin', TEN);
    const [v1] = await kit.json<{ versionId: string }>(['stat', `:${V}/f.bin`]);
    await kit.json(['snapshot', 'create', `:${V}`, '--name', 'ten']);
    await kit.put(V, 'f.bin', `${TEN}${TEN}`);
    const past = [
      ['--version', v1!.versionId, `version ${v1!.versionId}`],
      ['--snapshot', 'ten', 'at snapshot ten'],
    ];
    for (const [flag, value, named] of past) {
      // stat shows 20 bytes: the refusal names what has 10.
      const r = await kit.mimeo(['cp', flag!, value!, '--range', '12:3', `:${V}/f.bin`, `:${V}/out.bin`]);
      assert.equal(r.code, 1, `${flag}: ${r.stdout}`);
      assert.equal(
        r.stderr,
        `mimeo: InvalidRange: --range 12:3 starts past the end of :${V}/f.bin ${named} (10 bytes)\n`,
      );
      const cut = await kit.mimeo(['cp', flag!, value!, '--range', '8:5', `:${V}/f.bin`, `:${V}/tail.bin`]);
      assert.equal(cut.code, 0, cut.stderr);
      assert.equal(cut.stderr, `--range 8:5 runs past the end of :${V}/f.bin ${named}: 2 bytes copied\n`);
      assert.ok((await kit.read(V, 'tail.bin')).equals(Buffer.from('89')));
    }
    assert.equal(
      await kit.read(V, 'out.bin').then(
        () => true,
        () => false,
      ),
      false,
    );
  });

  test('an empty file: 0: is the whole of it (cat prints nothing, cp copies nothing); other ranges are InvalidRange', async () => {
    const cat = await kit.mimeoBytes(['cat', '--range', '0:', `:${P}/empty.bin`]);
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout.length, 0);
    assert.equal(cat.stderr, '');
    for (const range of ['0:1', '1:']) {
      const r = await kit.mimeo(['cat', '--range', range, `:${P}/empty.bin`]);
      assert.equal(r.code, 1, `cat --range ${range}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^mimeo: InvalidRange: [^\n]+\n$/);
    }
    const whole = await kit.mimeoBytes(['cat', '--range', '0:', `:${P}/ten.bin`]);
    assert.equal(whole.stdout.toString(), TEN);

    const cp = await kit.mimeo(['cp', '--range', '0:', `:${P}/empty.bin`, `:${P}/empty-copy.bin`]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal((await kit.read(P, 'empty-copy.bin')).length, 0);
    const bad = await kit.mimeo(['cp', '--range', '0:1', `:${P}/empty.bin`, `:${P}/empty-bad.bin`]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      `mimeo: InvalidRange: --range 0:1 starts at the end of :${P}/empty.bin (0 bytes)\n`,
    );
    assert.equal(await exists('empty-bad.bin'), false);
  });
});
