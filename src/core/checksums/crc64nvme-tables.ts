// The slicing-by-8 tables of CRC-64/NVME (reflected), as two 32-bit halves: table t, byte i at t * 256 + i.
// Table 0 is the byte-at-a-time table; table t advances a byte by t more bytes of zeros.

/** The reflected form of 0xad93d23594c93659. */
export const REFLECTED = 0x9a6c9329ac4bc9b5n;
const R_HI = Number(REFLECTED >> 32n) >>> 0;
const R_LO = Number(REFLECTED & 0xffffffffn) >>> 0;

export const TABLES = 8;
export const HI = new Uint32Array(256 * TABLES);
export const LO = new Uint32Array(256 * TABLES);

for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      lo = (lo ^ R_LO) >>> 0;
      hi = (hi ^ R_HI) >>> 0;
    }
  }
  HI[i] = hi;
  LO[i] = lo;
}
for (let t = 1; t < TABLES; t++) {
  for (let i = 0; i < 256; i++) {
    const prevHi = HI[(t - 1) * 256 + i]!;
    const prevLo = LO[(t - 1) * 256 + i]!;
    const idx = prevLo & 0xff;
    HI[t * 256 + i] = ((prevHi >>> 8) ^ HI[idx]!) >>> 0;
    LO[t * 256 + i] = (((prevLo >>> 8) | (prevHi << 24)) ^ LO[idx]!) >>> 0;
  }
}
