// A self-signed certificate for development (`--tls self-signed`): an ECDSA P-256 key and an X.509 v3
// certificate for localhost, 127.0.0.1, ::1 and the configured host, written as DER by hand and kept in the
// data directory, so clients can trust it once.
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Where the certificate is, for clients to trust it. */
  certPath: string;
}

const DAY = 86_400_000;
const VALID_DAYS = 397;

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const groups: number[] = [];
    for (let x = v; ; x = Math.floor(x / 128)) {
      groups.unshift((x & 0x7f) | (groups.length ? 0x80 : 0));
      if (x < 128) break;
    }
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/**
 * A non-negative DER INTEGER from big-endian bytes, in its one minimal form: no leading zero byte unless the next
 * byte's top bit is set (OpenSSL refuses any other form as "illegal padding").
 */
export function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const b = bytes.subarray(start);
  return tlv(0x02, b.length === 0 || b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const compact = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280, 4.1.2.5).
  return new Date(ms).getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(compact.slice(2)))
    : tlv(0x18, Buffer.from(compact));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand '::' and write eight 16-bit groups.
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

/** Builds a self-signed certificate for `names` (DNS names or IP addresses), valid from an hour ago. */
export function selfSignedCertificate(names: string[], now = Date.now()): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), utf8('mimeo development certificate'))));
  const altNames = seq(
    ...names.map((n) => (isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n.toLowerCase(), 'ascii')))),
  );
  const extensions = seq(
    seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))),
    // digitalSignature and keyCertSign.
    seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x02, 0x84])))),
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))),
    seq(oid('2.5.29.17'), octets(altNames)),
  );
  // A positive serial of 16 random bytes (RFC 5280 allows up to 20 octets).
  const serial = randomBytes(16);
  const tbs = seq(
    explicit(0, derInteger(Buffer.from([2]))),
    derInteger(serial),
    ecdsaSha256,
    name,
    seq(time(now - 3_600_000), time(now + VALID_DAYS * DAY)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const der = seq(tbs, ecdsaSha256, bits(sign('sha256', tbs, privateKey)));
  const body = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/**
 * The development certificate of a data directory: reused while it covers `names` and has more than a day to
 * run, otherwise made anew. Both files have mode 0600, as everything in the data directory, and are replaced
 * atomically.
 */
export function developmentCertificate(dataDir: string, names: string[], now = Date.now()): TlsFiles {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'self-signed.crt');
  const keyPath = join(dir, 'self-signed.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    const x = new X509Certificate(cert);
    const covers = names.every((n) => (isIP(n) ? x.checkIP(n) : x.checkHost(n)) !== undefined);
    if (covers && Date.parse(x.validTo) - now > DAY) {
      return { cert, key: readFileSync(keyPath, 'utf8'), certPath };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const made = selfSignedCertificate(names, now);
  const write = (path: string, text: string, mode: number) => {
    writeFileSync(`${path}.tmp`, text, { mode });
    chmodSync(`${path}.tmp`, mode);
    renameSync(`${path}.tmp`, path);
  };
  write(keyPath, made.key, 0o600);
  write(certPath, made.cert, 0o600);
  return { ...made, certPath };
}
