// The CRC-32 or CRC-32C of A followed by B from crc(A), crc(B) and B's length, without the bytes: what a
// multipart upload's full-object CRC is made of. Arithmetic modulo the polynomial, in reflected representation.

export const CRC32_POLY = 0xedb88320;
export const CRC32C_POLY = 0x82f63b78;

const TOP = 0x80000000;

/** a * b modulo the polynomial; x^0 is the top bit. */
function multModP(a: number, b: number, poly: number): number {
  let m = TOP;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ poly : b >>> 1;
  }
  return p >>> 0;
}

const tables = new Map<number, number[]>();

/** X2N[k] = x^(2^k) mod P. */
function x2nTable(poly: number): number[] {
  let t = tables.get(poly);
  if (!t) {
    t = [];
    let p = 1 << 30; // x^1
    for (let k = 0; k < 32; k++) {
      t.push(p >>> 0);
      p = multModP(p, p, poly);
    }
    tables.set(poly, t);
  }
  return t;
}

/** x^(8 * length) mod P. */
function shiftFor(length: number, poly: number): number {
  const t = x2nTable(poly);
  let p = TOP;
  let k = 3;
  for (let n = length; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) p = multModP(t[k & 31]!, p, poly);
  return p;
}

/** The CRC of A followed by B, for the CRC whose reflected polynomial is `poly`. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number, poly: number): number {
  return (multModP(shiftFor(lengthB, poly), crcA, poly) ^ crcB) >>> 0;
}
