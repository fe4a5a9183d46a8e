// Qumulo ACLs (v2) end to end, as `qq fs_get_acl` reads them and `qq fs_copy` copies them: the ACL a mode gives,
// sent back to another file with the ETag its attributes answered with; an ACL no mode gives is refused; and the
// path, inside Seven Bridges' /v2/files, answers in Qumulo's shape while Seven Bridges keeps the rest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertQumuloError,
  createDir,
  createFile,
  openQumulo,
  type QClient,
  type QumuloEnv,
  ref,
} from '../helpers/qumulo.ts';

const acl = (path: string) => `/v2/files/${ref(path)}/info/acl`;

describe('Qumulo ACLs', () => {
  let env: QumuloEnv;
  let q: QClient;
  let reader: QClient;

  before(async () => {
    env = await openQumulo();
    await env.user('ann', 'ann password');
    await env.user('rex', 'rex password');
    await env.project('acl', { ann: 'write', rex: 'read' });
    q = await env.login('ann', 'ann password');
    reader = await env.login('rex', 'rex password');
  });
  after(async () => env.close());

  test("a file's ACL is the one its mode gives: owner, group and Everyone, by id or by path", async () => {
    const f = await createFile(q, '/acl/', 'a.txt');
    const byPath = await q.get(acl('/acl/a.txt'));
    assert.equal(byPath.status, 200, byPath.body.toString());
    const a = byPath.json();
    assert.deepEqual(a.control, ['PRESENT']);
    assert.deepEqual(a.posix_special_permissions, []);
    assert.equal(a.aces.length, 3);
    const [owner, group, world] = a.aces;
    for (const ace of a.aces) {
      assert.equal(ace.type, 'ALLOWED');
      assert.deepEqual(ace.flags, []);
      assert.deepEqual(Object.keys(ace.trustee).sort(), ['auth_id', 'domain', 'gid', 'name', 'sid', 'uid']);
    }
    assert.equal(owner.trustee.auth_id, f.owner);
    assert.equal(group.trustee.auth_id, f.group);
    assert.equal(world.trustee.domain, 'WORLD');
    // 0644: the owner reads and writes, the others read.
    assert.ok(owner.rights.includes('READ') && owner.rights.includes('MODIFY'), owner.rights.join());
    assert.ok(!owner.rights.includes('EXECUTE'), owner.rights.join());
    for (const other of [group, world]) {
      assert.ok(other.rights.includes('READ'), other.rights.join());
      assert.ok(!other.rights.includes('MODIFY') && !other.rights.includes('EXECUTE'), other.rights.join());
    }
    assert.match(byPath.etag ?? '', /^"[^"]+"$/);
    const byId = await q.get(`/v2/files/${f.id}/info/acl`);
    assert.deepEqual(byId.json(), a);

    // A mode set through the attributes shows in the ACL, set-gid included.
    const chmod = await q.call('PATCH', `/v1/files/${f.id}/info/attributes`, { json: { mode: '2750' } });
    assert.equal(chmod.status, 200, chmod.body.toString());
    const after750 = (await q.get(`/v2/files/${f.id}/info/acl`)).json();
    assert.deepEqual(after750.posix_special_permissions, ['SET_GID']);
    assert.ok(after750.aces[0].rights.includes('EXECUTE'));
    assert.ok(after750.aces[1].rights.includes('READ') && !after750.aces[1].rights.includes('MODIFY'));
    assert.ok(!after750.aces[2].rights.includes('READ'));
  });

  test('qq fs_copy: the source ACL, sent back to the target with the ETag of its attributes, sets its mode', async () => {
    const src = await createFile(q, '/acl/', 'src.txt');
    assert.equal(
      (await q.call('PATCH', `/v1/files/${src.id}/info/attributes`, { json: { mode: '0600' } })).status,
      200,
    );
    const sourceAcl = (await q.get(`/v2/files/${src.id}/info/acl`)).json();
    const target = await createFile(q, '/acl/', 'dst.txt');
    const attrs = await q.call('PATCH', `/v1/files/${target.id}/info/attributes`, { json: { mode: '0644' } });
    assert.ok(attrs.etag, 'the attributes answer with an ETag');

    const put = await q.call('PUT', `/v2/files/${target.id}/info/acl`, {
      json: sourceAcl,
      headers: { 'if-match': attrs.etag! },
    });
    assert.equal(put.status, 200, put.body.toString());
    assert.deepEqual(put.json(), sourceAcl);
    const mode = (await q.get(`/v1/files/${target.id}/info/attributes`)).json().mode;
    assert.equal(mode, '0600');
    assert.deepEqual((await q.get(`/v2/files/${target.id}/info/acl`)).json(), sourceAcl);

    // Another mode's ACL with a stale ETag: 412, and the mode as it was.
    const other = (await q.get(`/v2/files/${attrs.json().id}/info/acl`)).json();
    other.aces[1].rights.push('MODIFY', 'EXTEND');
    const stale = await q.call('PUT', `/v2/files/${target.id}/info/acl`, {
      json: other,
      headers: { 'if-match': '"not-the-etag"' },
    });
    assertQumuloError(stale, 412, 'rest_precondition_failed_error', 'a stale ETag');
    // A quoted "*" is an entity tag no file has, not the wildcard.
    const quotedStar = await q.call('PUT', `/v2/files/${target.id}/info/acl`, {
      json: other,
      headers: { 'if-match': '"*"' },
    });
    assertQumuloError(quotedStar, 412, 'rest_precondition_failed_error', 'a quoted "*"');
    assert.equal((await q.get(`/v1/files/${target.id}/info/attributes`)).json().mode, '0600');
    // The same without If-Match is taken: the group may now write.
    const taken = await q.call('PUT', `/v2/files/${target.id}/info/acl`, { json: other });
    assert.equal(taken.status, 200, taken.body.toString());
    assert.equal((await q.get(`/v1/files/${target.id}/info/attributes`)).json().mode, '0620');
  });

  test('an ACL no mode gives is refused and changes nothing; a reader may read it and not set it', async () => {
    const f = await createFile(q, '/acl/', 'strict.txt');
    const mine = (await q.get(`/v2/files/${f.id}/info/acl`)).json();
    const put = (body: unknown, client = q) =>
      client.call('PUT', `/v2/files/${f.id}/info/acl`, { json: body });
    const denyAce = structuredClone(mine);
    denyAce.aces[2].type = 'DENIED';
    const fourth = structuredClone(mine);
    fourth.aces.push(structuredClone(mine.aces[2]));
    const otherOwner = structuredClone(mine);
    otherOwner.aces[0].trustee.auth_id = 'someone-else';
    const halfRights = structuredClone(mine);
    halfRights.aces[0].rights = ['READ'];
    const reordered = structuredClone(mine);
    reordered.aces.reverse();
    for (const [what, body] of [
      ['a DENIED entry', denyAce],
      ['a fourth entry', fourth],
      ['another owner', otherOwner],
      ['rights no mode gives', halfRights],
      ['the entries in another order', reordered],
      ['no aces', { control: [], posix_special_permissions: [] }],
      ['aces not a list', { control: [], posix_special_permissions: [], aces: {} }],
      ['entries that are not objects', { control: [], posix_special_permissions: [], aces: [1, 2, 3] }],
      [
        'rights that are not strings',
        { ...mine, aces: [{ ...mine.aces[0], rights: [{ toString: 0 }] }, ...mine.aces.slice(1)] },
      ],
      [
        'a trustee that is not an object',
        { ...mine, aces: [{ ...mine.aces[0], trustee: null }, ...mine.aces.slice(1)] },
      ],
      ['control that is not strings', { ...mine, control: [1] }],
    ] as const)
      assertQumuloError(await put(body), 400, 'rest_invalid_request_error', what);
    const notJson = await q.call('PUT', `/v2/files/${f.id}/info/acl`, {
      raw: '{"aces": [',
      type: 'application/json',
    });
    assertQumuloError(notJson, 400, 'rest_invalid_request_error', 'a body that is not JSON');
    assert.equal((await q.get(`/v1/files/${f.id}/info/attributes`)).json().mode, '0644');

    // Rights in another order are the same ACL.
    const shuffled = structuredClone(mine);
    for (const ace of shuffled.aces) ace.rights.reverse();
    assert.equal((await put(shuffled)).status, 200);

    const read = await reader.get(`/v2/files/${f.id}/info/acl`);
    assert.equal(read.status, 200, read.body.toString());
    assertQumuloError(await put(mine, reader), 403, 'fs_access_denied_error', 'a reader setting an ACL');
    // Attributes that repeat what the file shows change nothing, and still need write.
    const shown = (await q.get(`/v1/files/${f.id}/info/attributes`)).json();
    const same = { owner: shown.owner, group: shown.group, modification_time: shown.modification_time };
    const patch = (client: typeof q) =>
      client.call('PATCH', `/v1/files/${f.id}/info/attributes`, { json: same });
    assertQumuloError(await patch(reader), 403, 'fs_access_denied_error', 'a reader repeating attributes');
    const ok = await patch(q);
    assert.equal(ok.status, 200, ok.body.toString());
    assert.equal(ok.json().modification_time, shown.modification_time);
  });

  test('the path answers in Qumulo shape, errors and unknown methods too; Seven Bridges keeps the rest of /v2/files', async () => {
    assertQumuloError(await env.client().get(acl('/acl/')), 401, 'auth_not_authorized_error', 'no session');
    assertQumuloError(await q.get(acl('/acl/none.txt')), 404, 'fs_no_such_entry_error', 'a missing file');
    assertQumuloError(
      await q.get('/v2/files/99999999/info/acl'),
      404,
      'fs_no_such_entry_error',
      'a missing id',
    );
    assertQumuloError(await q.call('DELETE', acl('/acl/')), 404, 'http_not_found_error', 'DELETE');
    await createDir(q, '/acl/', 'sub');
    assert.equal((await q.get(acl('/acl/sub/'))).status, 200);
    // Any other /v2/files path is Seven Bridges': its error body, not Qumulo's.
    const sbg = await q.get('/v2/files/0123456789abcdef01234567');
    assert.equal(sbg.status, 404, sbg.body.toString());
    const body = JSON.parse(sbg.body.toString());
    assert.equal(body.status, 404);
    assert.equal(typeof body.code, 'number');
    assert.equal(body.error_class, undefined);
  });
});
