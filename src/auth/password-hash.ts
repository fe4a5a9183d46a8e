// Password hashes: scrypt from node:crypto, a random salt per password, the parameters kept in the stored string.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface Params {
  /** log2 of scrypt's cost N. */
  ln: number;
  r: number;
  p: number;
}

/**
 * The parameters new hashes get: N = 2^15, r = 8, p = 1, which takes 32 MiB and about a tenth of a second of one
 * core. Each hash keeps its own, so raising these later leaves older hashes readable (and rehashed at the next
 * sign-in).
 */
const CURRENT: Params = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** The most memory a stored hash may ask scrypt for. */
const MAX_MEMORY = 256 * 1024 * 1024;

/** At most this many hashes run at once, so that sign-ins never take every thread that file I/O also uses. */
const MAX_CONCURRENT = 2;
let running = 0;
const queue: (() => void)[] = [];

async function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    const N = 2 ** params.ln;
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(
        // NFKC, as NIST SP 800-63B asks: the same password typed on another system hashes the same.
        password.normalize('NFKC'),
        salt,
        HASH_BYTES,
        { N, r: params.r, p: params.p, maxmem: 256 * N * params.r },
        (err, key) => (err ? reject(err) : resolve(key)),
      ),
    );
  } finally {
    running--;
    queue.shift()?.();
  }
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/** `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, the PHC string format with unpadded base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, CURRENT);
  return `$scrypt$ln=${CURRENT.ln},r=${CURRENT.r},p=${CURRENT.p}$${b64(salt)}$${b64(hash)}`;
}

interface Parsed {
  params: Params;
  salt: Buffer;
  hash: Buffer;
}

/** A stored hash, or undefined when it is not one this module wrote or asks for more than MAX_MEMORY. */
function parse(stored: string): Parsed | undefined {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    stored,
  );
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const memory = 128 * 2 ** params.ln * params.r;
  if (params.ln < 10 || params.r < 1 || params.p < 1 || params.p > 16 || memory > MAX_MEMORY)
    return undefined;
  const hash = Buffer.from(m[5]!, 'base64');
  return hash.length === HASH_BYTES ? { params, salt: Buffer.from(m[4]!, 'base64'), hash } : undefined;
}

/** Stands in for a missing hash: the same work as a real one, and it matches nothing. */
const DUMMY: Parsed = { params: CURRENT, salt: randomBytes(SALT_BYTES), hash: randomBytes(HASH_BYTES) };

/**
 * Whether `password` matches `stored`. A missing or unreadable hash costs the same scrypt as a real one and is false,
 * so an unknown user or one without a password takes as long as a wrong password. Compared in constant time.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  const parsed = stored === null ? undefined : parse(stored);
  const target = parsed ?? DUMMY;
  const derived = await derive(password, target.salt, target.params);
  return timingSafeEqual(derived, target.hash) && parsed !== undefined;
}

/** Whether a hash was made with other parameters than new hashes get. */
export function needsRehash(stored: string): boolean {
  const p = parse(stored)?.params;
  return p === undefined || p.ln !== CURRENT.ln || p.r !== CURRENT.r || p.p !== CURRENT.p;
}

/** The rules a new password must meet: NIST's 8 characters at least, and a bound on what is hashed. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') return 'A password is a string.';
  const n = [...password.normalize('NFKC')].length;
  if (n < 8 || n > 1024) return 'A password is 8 to 1024 characters long.';
  return undefined;
}
