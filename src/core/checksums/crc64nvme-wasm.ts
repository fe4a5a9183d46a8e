// CRC-64/NVME in WebAssembly: slicing-by-8 over 64-bit words, four lanes at once so that their table look-ups
// overlap, the lanes joined by multiplying by x^(8 * lane) modulo the polynomial. The module is written below as
// instructions and encoded when this file loads; nothing is compiled at install. It works on the raw register
// (no initial value or final xor): `Crc64Nvme` adds those.
import { copyInto } from '../shared-copy.ts';
import { HI, LO, REFLECTED, TABLES } from './crc64nvme-tables.ts';
import { encodeModule, I32, I64, op, sleb, uleb, VOID } from './wasm-encoding.ts';

/** Memory: the tables (table t at t * 2 KiB, 8 bytes a byte value), then the bytes being checksummed. */
const TABLE_BYTES = TABLES * 256 * 8;
const DATA = TABLE_BYTES;
/** Bytes a lane covers per call: x^(8 * LANE) is one constant. Four lanes of 32 KiB stay in L2 with the tables. */
const LANE = 32 * 1024;
const LANES = 4;
const CHUNK = LANE * LANES;

const get = (i: number) => [op.localGet, ...uleb(i)];
const set = (i: number) => [op.localSet, ...uleb(i)];
const i32 = (v: number) => [op.i32Const, ...sleb(v)];
const i64 = (v: bigint | number) => [op.i64Const, ...sleb(v)];
/** i64.load at the address on the stack plus `offset` (alignment hint 8). */
const load64 = (offset: number) => [op.i64Load, 3, ...uleb(offset)];
const loop = (body: number[]) => [op.loop, VOID, ...body, op.end];
const block = (body: number[]) => [op.block, VOID, ...body, op.end];

/**
 * The register after 8 more bytes, for `x` (a local) = register ^ the 8 bytes read as little-endian: byte k of
 * `x` is looked up in table 7 - k. Uses locals `lo` and `hi` (i32); leaves the new register on the stack.
 */
function step(x: number, lo: number, hi: number): number[] {
  const term = (half: number, k: number) => [
    ...get(half),
    ...(k === 0 ? [...i32(3), op.i32Shl] : [...i32(8 * k - 3), op.i32ShrU]),
    ...i32(0x7f8),
    op.i32And,
    ...load64((7 - k - (half === hi ? 4 : 0)) * 2048),
  ];
  // biome-ignore format: one statement a line, as in the text format
  const code = [
    ...get(x), op.i32WrapI64, ...set(lo),
    ...get(x), ...i64(32), op.i64ShrU, op.i32WrapI64, ...set(hi),
  ];
  code.push(...term(lo, 0));
  for (let k = 1; k < 4; k++) code.push(...term(lo, k), op.i64Xor);
  for (let k = 0; k < 4; k++) code.push(...term(hi, k), op.i64Xor);
  return code;
}

/** update(reg, p, n): the register after the n bytes at p, 8 at a time, then the rest one at a time. */
function update() {
  const [reg, p, n, end, all, x, lo, hi] = [0, 1, 2, 3, 4, 5, 6, 7];
  return {
    name: 'update',
    params: [I64, I32, I32],
    results: [I64],
    locals: [I32, I32, I64, I32, I32],
    // biome-ignore format: one statement a line, as in the text format
    code: [
      ...get(p), ...get(n), op.i32Add, ...set(all),
      ...get(p), ...get(n), ...i32(-8), op.i32And, op.i32Add, ...set(end),
      ...block(loop([
        ...get(p), ...get(end), op.i32GeU, op.brIf, 1,
        ...get(reg), ...get(p), ...load64(0), op.i64Xor, ...set(x),
        ...step(x, lo, hi), ...set(reg),
        ...get(p), ...i32(8), op.i32Add, ...set(p),
        op.br, 0,
      ])),
      ...block(loop([
        ...get(p), ...get(all), op.i32GeU, op.brIf, 1,
        ...get(reg), op.i32WrapI64, ...get(p), op.i32Load8U, 0, 0, op.i32Xor,
        ...i32(0xff), op.i32And, ...i32(3), op.i32Shl, ...load64(0),
        ...get(reg), ...i64(8), op.i64ShrU, op.i64Xor, ...set(reg),
        ...get(p), ...i32(1), op.i32Add, ...set(p),
        op.br, 0,
      ])),
      ...get(reg),
    ],
  };
}

/**
 * lanes(reg, p, k): the register after the CHUNK bytes at p, as four lanes of LANE bytes, lane 0 from `reg` and
 * the others from zero; each lane's register is then carried over the next with `k` = x^(8 * LANE) mod P.
 */
function lanes() {
  const [reg, p, k, c1, c2, c3, end, x, lo, hi] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const regs = [reg, c1, c2, c3];
  const body: number[] = [...get(p), ...get(end), op.i32GeU, op.brIf, 1];
  for (const [j, c] of regs.entries())
    body.push(...get(c), ...get(p), ...load64(j * LANE), op.i64Xor, ...set(x), ...step(x, lo, hi), ...set(c));
  body.push(...get(p), ...i32(8), op.i32Add, ...set(p), op.br, 0);
  const join = [...get(reg)];
  for (const c of [c1, c2, c3]) join.push(...get(k), op.call, 2, ...get(c), op.i64Xor);
  return {
    name: 'lanes',
    params: [I64, I32, I64],
    results: [I64],
    locals: [I64, I64, I64, I32, I64, I32, I32],
    code: [...get(p), ...i32(LANE), op.i32Add, ...set(end), ...block(loop(body)), ...join],
  };
}

/** mulmod(a, b): a * b modulo the polynomial, both reflected (x^0 is the top bit). */
function mulmod() {
  const [a, b, prod, m] = [0, 1, 2, 3];
  return {
    name: 'mulmod',
    params: [I64, I64],
    results: [I64],
    locals: [I64, I64],
    // biome-ignore format: one statement a line, as in the text format
    code: [
      ...i64(1n << 63n), ...set(m),
      ...loop([
        ...get(a), ...get(m), op.i64And, ...i64(0), op.i64Ne,
        op.if, VOID, ...get(prod), ...get(b), op.i64Xor, ...set(prod), op.end,
        // b * x: shift towards x^63, folding the polynomial back in when x^64 falls out.
        ...get(b), ...i64(1), op.i64ShrU,
        ...i64(REFLECTED), ...i64(0), ...get(b), ...i64(1), op.i64And, op.i64Sub, op.i64And, op.i64Xor, ...set(b),
        ...get(m), ...i64(1), op.i64ShrU, op.localTee, ...uleb(m), ...i64(0), op.i64Ne, op.brIf, 0,
      ]),
      ...get(prod),
    ],
  };
}

/** The little of the WebAssembly JavaScript API used here (the TypeScript libraries this project uses lack it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  update(reg: bigint, p: number, n: number): bigint;
  lanes(reg: bigint, p: number, k: bigint): bigint;
  mulmod(a: bigint, b: bigint): bigint;
}

/** The raw CRC-64/NVME register after `data`, from `reg`. */
export type Crc64Kernel = (reg: bigint, data: Uint8Array) => bigint;

function instantiate(): Crc64Kernel {
  const pages = Math.ceil((DATA + CHUNK) / 65536);
  const bytes = encodeModule([update(), lanes(), mulmod()], pages);
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const w = new wasm.Instance(new wasm.Module(bytes)).exports as Exports;
  const memory = new Uint8Array(w.memory.buffer);
  const tables = new DataView(w.memory.buffer);
  for (let i = 0; i < 256 * TABLES; i++) {
    tables.setUint32(i * 8, LO[i]!, true);
    tables.setUint32(i * 8 + 4, HI[i]!, true);
  }
  // x^(8 * LANE) = x^(2^18): x (reflected, 1 << 62) squared 18 times.
  let k = 1n << 62n;
  for (let s = 0; s < Math.log2(8 * LANE); s++) k = w.mulmod(k, k);
  return (reg, data) => {
    let at = 0;
    for (; data.byteLength - at >= CHUNK; at += CHUNK) {
      copyInto(memory, data.subarray(at, at + CHUNK), DATA);
      reg = w.lanes(reg, DATA, k);
    }
    if (at < data.byteLength) {
      copyInto(memory, data.subarray(at), DATA);
      reg = w.update(reg, DATA, data.byteLength - at);
    }
    return BigInt.asUintN(64, reg);
  };
}

/** The WebAssembly kernel, or undefined where WebAssembly is not available (then the JavaScript one is used). */
export const crc64Wasm: Crc64Kernel | undefined = (() => {
  try {
    return instantiate();
  } catch {
    return undefined;
  }
})();
