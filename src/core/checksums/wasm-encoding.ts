// A minimal WebAssembly binary encoder (core spec 1.0, section 5): just what the hand-written checksum modules
// use, so that their code lives here as source and their bytes are made at load, with nothing compiled at install.

export const I32 = 0x7f;
export const I64 = 0x7e;

/** Opcodes used by the modules (spec section 5.4). */
export const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  call: 0x10,
  if: 0x04,
  i64Load: 0x29,
  i32Load8U: 0x2d,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i64Ne: 0x52,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32Xor: 0x73,
  i64Sub: 0x7d,
  i64And: 0x83,
  i64Xor: 0x85,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

/** The block type of a block or loop that leaves nothing on the stack. */
export const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 64-bit value, for i32.const and i64.const. */
export function sleb(value: bigint | number): number[] {
  let n = BigInt.asIntN(64, BigInt(value));
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => vec([...Buffer.from(s)].map((b) => [b]));

export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Locals after the parameters, by type. */
  locals: number[];
  /** The body's instructions, without the final `end`. */
  code: number[];
}

/** A module of `functions`, all exported by name, with one memory of `pages` 64 KiB pages exported as `memory`. */
export function encodeModule(functions: WasmFunction[], pages: number): Uint8Array {
  const types = section(
    1,
    vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])),
  );
  const funcs = section(3, vec(functions.map((_, i) => uleb(i))));
  const memory = section(5, vec([[0x00, ...uleb(pages)]]));
  const exports = section(
    7,
    vec([...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), [...name('memory'), 0x02, 0]]),
  );
  const code = section(
    10,
    vec(
      functions.map((f) => {
        const body = [...vec(f.locals.map((t) => [1, t])), ...f.code, op.end];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...funcs,
    ...memory,
    ...exports,
    ...code,
  ]);
}
