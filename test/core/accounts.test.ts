// Accounts on every MetaStore: passwords, root by name, personal tokens, and the limits on failed sign-ins.
import assert from 'node:assert/strict';
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { test } from 'node:test';
import type { LoginLog } from '../../src/auth/login-limits.ts';
import { authenticatePassword, setPassword } from '../../src/auth/passwords.ts';
import {
  createPersonalToken,
  listPersonalTokens,
  revokePersonalToken,
} from '../../src/auth/personal-tokens.ts';
import type { AuthDeps } from '../../src/auth/principals.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { resolveBearer, signIn } from '../../src/auth/sign-in.ts';
import { createUser } from '../../src/auth/users.ts';
import { isStorageError } from '../../src/core/errors.ts';
import type { Principal } from '../../src/core/model.ts';
import { forEachStore, rejectsWith, root } from '../helpers/core.ts';

const ROOT = { accessKey: 'ACCOUNTSROOT', secretKey: 'accounts-root-secret' };
const ADDRESS = '192.0.2.10';

let counter = 0;
const uniqueName = (tag: string) => `${tag}-${process.pid}-${++counter}`;

/** A log that keeps what it is given, to check what a failed sign-in reports. */
function memoryLog(): LoginLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (fields, message) => lines.push(JSON.stringify({ ...fields, message })) };
}

forEachStore('accounts', (get) => {
  let auth: AuthDeps;
  let clock = Date.now();
  const setup = () => {
    const { deps } = get();
    deps.now = () => clock;
    auth ??= { core: deps, root: ROOT, box: new SecretBox(randomBytes(32)) };
    return deps;
  };
  /** A new user, as a principal, with `password` if given (set by root). */
  const user = async (password?: string): Promise<Principal> => {
    setup();
    const u = await createUser(auth, root, { name: uniqueName('u') });
    if (password !== undefined) await setPassword(auth, root, { user: u.name, password, address: ADDRESS });
    return { id: u.id, name: u.name, isRoot: false, isAdmin: false };
  };
  const login = (name: string, password: string, address = ADDRESS, log?: LoginLog) =>
    authenticatePassword(auth, { name, password, address, log });

  test('a password is set, checked, changed and cleared; it is stored as a salted scrypt hash', async () => {
    const ana = await user('correct horse battery');
    const bo = await user('correct horse battery');
    const signed = await login(ana.name, 'correct horse battery');
    assert.deepEqual(signed.principal, ana);
    await rejectsWith(login(ana.name, 'correct horse battery!'), 'InvalidCredentials');
    await rejectsWith(login(ana.name, 'Correct horse battery'), 'InvalidCredentials');

    const rows = await get().deps.meta.tx((tx) =>
      tx.all<{ name: string; password_hash: string }>(
        'SELECT name, password_hash FROM principals WHERE name IN (?, ?) ORDER BY name',
        [ana.name, bo.name],
      ),
    );
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.match(r.password_hash, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      assert.ok(!r.password_hash.includes('correct horse'));
    }
    assert.notEqual(rows[0]!.password_hash, rows[1]!.password_hash, 'the same password hashed alike');

    await setPassword(auth, root, { user: ana.name, password: 'a new one at last', address: ADDRESS });
    await rejectsWith(login(ana.name, 'correct horse battery'), 'InvalidCredentials');
    assert.equal((await login(ana.name, 'a new one at last')).principal.id, ana.id);
    await setPassword(auth, root, { user: ana.name, password: null, address: ADDRESS });
    await rejectsWith(login(ana.name, 'a new one at last'), 'InvalidCredentials');
    const cleared = await get().deps.meta.tx((tx) =>
      tx.get<{ password_hash: string | null }>('SELECT password_hash FROM principals WHERE id = ?', [ana.id]),
    );
    assert.equal(cleared?.password_hash, null);

    for (const bad of ['short', 'x'.repeat(1025)])
      await rejectsWith(
        setPassword(auth, root, { user: bo.name, password: bad, address: ADDRESS }),
        'InvalidArgument',
      );
    await rejectsWith(
      setPassword(auth, root, { user: 'nobody-at-all', password: 'long enough', address: ADDRESS }),
      'NoSuchPrincipal',
    );
  });

  test("a hash keeps its parameters: one made with older ones still signs in, and is made again with today's", async () => {
    const old = await user();
    const salt = randomBytes(16);
    const key = scryptSync('an older password', salt, 32, { N: 2 ** 12, r: 8, p: 1 });
    const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
    const legacy = `$scrypt$ln=12,r=8,p=1$${b64(salt)}$${b64(key)}`;
    const stored = () =>
      get().deps.meta.tx((tx) =>
        tx.get<{ password_hash: string }>('SELECT password_hash FROM principals WHERE id = ?', [old.id]),
      );
    await get().deps.meta.tx((tx) =>
      tx.run('UPDATE principals SET password_hash = ? WHERE id = ?', [legacy, old.id]),
    );
    await rejectsWith(login(old.name, 'not the older password'), 'InvalidCredentials');
    assert.equal((await stored())?.password_hash, legacy);
    assert.equal((await login(old.name, 'an older password')).principal.id, old.id);
    assert.match((await stored())!.password_hash, /^\$scrypt\$ln=15,r=8,p=1\$/);
    assert.equal((await login(old.name, 'an older password')).principal.id, old.id);
  });

  test('an unknown user and a wrong password are the same 401, after the same scrypt work', async () => {
    const cy = await user('the right password');
    const noPassword = await user();
    const time = async (name: string) => {
      const start = performance.now();
      await rejectsWith(login(name, 'a wrong password'), 'InvalidCredentials');
      return performance.now() - start;
    };
    const median = async (name: string) => {
      const t = [await time(name), await time(name), await time(name)].sort((a, b) => a - b);
      return t[1]!;
    };
    const wrong = await median(cy.name);
    const unknown = await median(uniqueName('ghost'));
    const none = await median(noPassword.name);
    // Without the stand-in hash an unknown name answers in a millisecond, against a tenth of a second or more: a
    // factor of a hundred. The bounds leave room for a loaded machine, where other tests run beside this one.
    for (const other of [unknown, none]) {
      const ratio = other / wrong;
      assert.ok(ratio > 0.25 && ratio < 4, `wrong password ${wrong} ms, other ${other} ms`);
    }
    // The following tests start with no failure counted.
    await get().deps.meta.tx((tx) => tx.run('DELETE FROM login_failures'));
  });

  test('root signs in by its name with its secret key; it has no password to set', async () => {
    setup();
    const r = await login('root', ROOT.secretKey);
    assert.equal(r.principal.isRoot, true);
    assert.equal(r.principal.id, 'root');
    await rejectsWith(login('root', `${ROOT.secretKey}x`), 'InvalidCredentials');
    await rejectsWith(login('root', ROOT.accessKey), 'InvalidCredentials');
    await rejectsWith(
      setPassword(auth, root, { user: 'root', password: 'whatever it is', address: ADDRESS }),
      'InvalidArgument',
    );
    const session = await signIn(auth, {
      credential: { name: 'root', password: ROOT.secretKey },
      address: ADDRESS,
    });
    assert.equal((await resolveBearer(auth, session.token.token)).isRoot, true);
  });

  test("a user changes their own password with the current one; not another user's", async () => {
    const dee = await user();
    const eli = await user('eli password here');
    // No password yet: a user sets one without a current one.
    await setPassword(auth, dee, { user: dee.name, password: 'first of dee', address: ADDRESS });
    await rejectsWith(
      setPassword(auth, dee, { user: dee.name, password: 'second of dee', address: ADDRESS }),
      'InvalidArgument',
    );
    await rejectsWith(
      setPassword(auth, dee, {
        user: dee.name,
        password: 'second of dee',
        currentPassword: 'not the first',
        address: ADDRESS,
      }),
      'AccessDenied',
    );
    const session = await signIn(auth, {
      credential: { name: dee.name, password: 'first of dee' },
      address: ADDRESS,
    });
    await setPassword(auth, dee, {
      user: dee.id,
      password: 'second of dee',
      currentPassword: 'first of dee',
      address: ADDRESS,
    });
    assert.equal((await login(dee.name, 'second of dee')).principal.id, dee.id);
    // The session signed in with the old password ended with it.
    await rejectsWith(resolveBearer(auth, session.token.token), 'Unauthenticated');

    await rejectsWith(
      setPassword(auth, dee, {
        user: eli.name,
        password: 'taken over',
        currentPassword: 'x',
        address: ADDRESS,
      }),
      'AccessDenied',
    );
    // The same answer for a user who does not exist: nothing is learnt of who does.
    await rejectsWith(
      setPassword(auth, dee, { user: 'no-such-user', password: 'taken over', address: ADDRESS }),
      'AccessDenied',
    );
    assert.equal((await login(eli.name, 'eli password here')).principal.id, eli.id);
    // An administrator sets anyone's, without the current one.
    const admin: Principal = { ...dee, isAdmin: true };
    await setPassword(auth, admin, { user: eli.name, password: 'set by an admin', address: ADDRESS });
    assert.equal((await login(eli.name, 'set by an admin')).principal.id, eli.id);
  });

  test('personal tokens: created once in full, listed without it, used as a bearer, stored hashed, revoked', async () => {
    const fay = await user();
    const gus = await user();
    const t = await createPersonalToken(auth, fay, { user: fay.name, name: 'ci runner' });
    assert.match(t.token, /^mimeo_pat_[A-Za-z0-9_-]{43}$/);
    assert.ok(Buffer.from(t.token.slice('mimeo_pat_'.length), 'base64url').length >= 32);
    assert.deepEqual([t.user, t.name, t.expiresAt, t.lastUsedAt], [fay.name, 'ci runner', null, null]);

    assert.deepEqual(await resolveBearer(auth, t.token), fay);
    const listed = await listPersonalTokens(auth, fay, fay.name);
    assert.equal(listed.length, 1);
    assert.deepEqual(Object.keys(listed[0]!).sort(), [
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'user',
    ]);
    assert.equal(listed[0]!.lastUsedAt, clock);
    assert.ok(!JSON.stringify(listed).includes(t.token));

    const stored = await get().deps.meta.tx((tx) =>
      tx.all<Record<string, unknown>>('SELECT * FROM personal_tokens WHERE id = ?', [t.id]),
    );
    assert.equal(stored.length, 1);
    const secretPart = t.token.slice('mimeo_pat_'.length);
    assert.ok(!JSON.stringify(stored).includes(secretPart), 'the token is stored in the clear');
    assert.equal(stored[0]!['token_hash'], createHash('sha256').update(t.token).digest('hex'));

    // Exchanged for a session, which ends when the token is revoked.
    const session = await signIn(auth, { credential: { token: t.token }, address: ADDRESS });
    assert.deepEqual(await resolveBearer(auth, session.token.token), fay);

    // Another user neither lists nor revokes it; an admin does.
    await rejectsWith(listPersonalTokens(auth, gus, fay.name), 'AccessDenied');
    await rejectsWith(createPersonalToken(auth, gus, { user: fay.name }), 'AccessDenied');
    await rejectsWith(revokePersonalToken(auth, gus, t.id), 'NoSuchToken');
    await rejectsWith(createPersonalToken(auth, root, { user: 'root' }), 'InvalidArgument');
    const other = await createPersonalToken(auth, root, { user: fay.id });
    await revokePersonalToken(auth, fay, t.id);
    await rejectsWith(resolveBearer(auth, t.token), 'Unauthenticated');
    await rejectsWith(resolveBearer(auth, session.token.token), 'Unauthenticated');
    await rejectsWith(
      signIn(auth, { credential: { token: t.token }, address: ADDRESS }),
      'InvalidCredentials',
    );
    await rejectsWith(revokePersonalToken(auth, fay, t.id), 'NoSuchToken');
    assert.deepEqual(
      (await listPersonalTokens(auth, root, fay.name)).map((x) => x.id),
      [other.id],
    );
    const admin: Principal = { ...gus, isAdmin: true };
    await revokePersonalToken(auth, admin, other.id);
    assert.deepEqual(await listPersonalTokens(auth, fay, fay.name), []);

    for (const bad of [0, -1, 1.5, 10 * 365 * 24 * 3600 + 1])
      await rejectsWith(
        createPersonalToken(auth, fay, { user: fay.name, expiresInSeconds: bad }),
        'InvalidArgument',
      );
    await rejectsWith(createPersonalToken(auth, fay, { user: fay.name, name: '' }), 'InvalidArgument');
  });

  test('a personal token expires, and a session made from it never outlives it', async () => {
    const hal = await user();
    const start = clock;
    const t = await createPersonalToken(auth, hal, { user: hal.name, expiresInSeconds: 600 });
    assert.equal(t.expiresAt, start + 600_000);
    const session = await signIn(auth, { credential: { token: t.token }, address: ADDRESS });
    assert.equal(session.token.expiresAt, start + 600_000, 'a session lives past its token');
    clock = start + 599_000;
    assert.deepEqual(await resolveBearer(auth, t.token), hal);
    clock = start + 600_000;
    try {
      await rejectsWith(resolveBearer(auth, t.token), 'TokenExpired');
      await rejectsWith(resolveBearer(auth, session.token.token), 'TokenExpired');
      await rejectsWith(signIn(auth, { credential: { token: t.token }, address: ADDRESS }), 'TokenExpired');
      // Still listed, with its expiry, until revoked.
      assert.equal((await listPersonalTokens(auth, hal, hal.name))[0]?.expiresAt, start + 600_000);
    } finally {
      clock = start + 700_000;
    }
  });

  test('failed sign-ins: 429 past the limit per name, even with the right password, until the window ends', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 3, perAddress: 100 };
    const ivy = await user('ivy password');
    const log = memoryLog();
    const start = clock;
    for (let i = 0; i < 3; i++) {
      await rejectsWith(login(ivy.name, `wrong ${i}`, ADDRESS, log), 'InvalidCredentials');
      clock += 1000;
    }
    // The right password is refused too, with the seconds until the window ends; refusals are not counted.
    for (let i = 0; i < 3; i++) {
      const err = await login(ivy.name, 'ivy password', ADDRESS, log).catch((e: unknown) => e);
      assert.ok(isStorageError(err, 'TooManyRequests'), String(err));
      assert.equal(err.details['retryAfterSeconds'], 57);
    }
    // Another name from the same address is not limited by ivy's count.
    const jon = await user('jon password');
    assert.equal((await login(jon.name, 'jon password')).principal.id, jon.id);

    clock = start + 60_000;
    assert.equal((await login(ivy.name, 'ivy password')).principal.id, ivy.id);

    // Each failure is logged at warn with the name and address, never the password.
    const failures = log.lines.filter((l) => l.includes('"sign-in failed"'));
    assert.equal(failures.length, 3);
    for (const line of failures) {
      const entry = JSON.parse(line);
      assert.deepEqual([entry.name, entry.address, entry.signIn], [ivy.name, ADDRESS, 'password']);
    }
    assert.equal(log.lines.filter((l) => l.includes('too many failures')).length, 3);
    assert.ok(!log.lines.some((l) => l.includes('wrong') || l.includes('ivy password')));
  });

  test('a success clears the count of its name', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 3, perAddress: 100 };
    const kim = await user('kim password');
    for (let round = 0; round < 3; round++) {
      await rejectsWith(login(kim.name, 'wrong'), 'InvalidCredentials');
      await rejectsWith(login(kim.name, 'wrong'), 'InvalidCredentials');
      assert.equal((await login(kim.name, 'kim password')).principal.id, kim.id);
    }
    for (let i = 0; i < 3; i++) await rejectsWith(login(kim.name, 'wrong'), 'InvalidCredentials');
    await rejectsWith(login(kim.name, 'kim password'), 'TooManyRequests');
    clock += 60_000;
  });

  test('failed sign-ins are counted per address too, across names, keys and unknown names', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 100, perAddress: 4 };
    const lee = await user('lee password');
    const here = '198.51.100.7';
    await rejectsWith(login(uniqueName('ghost'), 'wrong', here), 'InvalidCredentials');
    await rejectsWith(login(lee.name, 'wrong', here), 'InvalidCredentials');
    const key = (secret: string, address: string) =>
      signIn(auth, { credential: { accessKey: ROOT.accessKey, secret }, address });
    await rejectsWith(key('wrong', here), 'InvalidCredentials');
    // A success takes nothing from the address's count but its own attempt.
    assert.equal((await key(ROOT.secretKey, here)).principal.isRoot, true);
    await rejectsWith(key('wrong again', here), 'InvalidCredentials');
    await rejectsWith(login(lee.name, 'lee password', here), 'TooManyRequests');
    await rejectsWith(key(ROOT.secretKey, here), 'TooManyRequests');
    // From another address the same name and password work.
    assert.equal((await login(lee.name, 'lee password', '203.0.113.9')).principal.id, lee.id);
    clock += 61_000;
    assert.equal((await login(lee.name, 'lee password', here)).principal.id, lee.id);
  });

  test('an IPv6 client counts by its /64, an IPv4-mapped one as its IPv4 address', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 100, perAddress: 2 };
    const key = (secret: string, address: string) =>
      signIn(auth, { credential: { accessKey: ROOT.accessKey, secret }, address });
    await rejectsWith(key('wrong', '2001:db8:7:2::1'), 'InvalidCredentials');
    await rejectsWith(key('wrong', '2001:db8:7:2:ffff::2'), 'InvalidCredentials');
    await rejectsWith(key(ROOT.secretKey, '2001:0db8:0007:0002::3'), 'TooManyRequests');
    assert.equal((await key(ROOT.secretKey, '2001:db8:7:3::1')).principal.isRoot, true);
    await rejectsWith(key('wrong', '::ffff:198.51.100.20'), 'InvalidCredentials');
    await rejectsWith(key('wrong', '198.51.100.20'), 'InvalidCredentials');
    await rejectsWith(key(ROOT.secretKey, '::ffff:198.51.100.20'), 'TooManyRequests');
    clock += 60_000;
  });

  test('concurrent failures cannot pass the limit together', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 3, perAddress: 1000 };
    const max = await user('max password');
    // Twelve wrong passwords at once, as from several nodes: three are checked, the others refused unchecked.
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => login(max.name, `wrong ${i}`)),
    );
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
    assert.deepEqual(
      [
        codes.filter((c) => c === 'InvalidCredentials').length,
        codes.filter((c) => c === 'TooManyRequests').length,
      ],
      [3, 9],
      codes.join(' '),
    );
    await rejectsWith(login(max.name, 'max password'), 'TooManyRequests');
    clock += 60_000;
  });

  test('limits of 0 turn counting off', async () => {
    const deps = setup();
    deps.loginLimits = { windowSeconds: 60, perName: 0, perAddress: 0 };
    const ned = await user('ned password');
    const counts = () => deps.meta.tx((tx) => tx.all('SELECT * FROM login_failures ORDER BY subject'));
    const before = await counts();
    for (let i = 0; i < 3; i++) {
      const key = signIn(auth, {
        credential: { accessKey: ROOT.accessKey, secret: 'wrong' },
        address: ADDRESS,
      });
      await rejectsWith(key, 'InvalidCredentials');
      await rejectsWith(login(ned.name, 'wrong'), 'InvalidCredentials');
    }
    assert.equal((await login(ned.name, 'ned password')).principal.id, ned.id);
    assert.deepEqual(await counts(), before);
  });
});
