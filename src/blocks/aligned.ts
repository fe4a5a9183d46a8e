// Shared memory that starts on a page boundary, so that a block store may write it to disk without the page cache
// (O_DIRECT wants the memory, the file offset and the length aligned). A SharedArrayBuffer of a block's size comes
// from malloc, 16 bytes past a page boundary; a shared WebAssembly memory is mapped by the engine, on one.

/** The alignment a direct write needs: the page, which covers every logical sector size up to it. */
export const DIRECT_ALIGN = 4096;

const WASM_PAGE = 64 * 1024;

/** The WebAssembly memory constructor (the TypeScript libraries this project uses lack its types). */
const Memory = (
  globalThis as unknown as {
    WebAssembly?: {
      Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
    };
  }
).WebAssembly?.Memory;

/** Buffers made by `alignedShared` on a page boundary. */
const aligned = new WeakSet<ArrayBufferLike>();

/**
 * `size` bytes of zeroed shared memory, on a page boundary when the engine gives one (a shared WebAssembly memory,
 * rounded up to its 64 KiB pages), else an ordinary SharedArrayBuffer.
 */
export function alignedShared(size: number): Buffer {
  const pages = Math.max(1, Math.ceil(size / WASM_PAGE));
  if (Memory) {
    try {
      const { buffer } = new Memory({ initial: pages, maximum: pages, shared: true });
      aligned.add(buffer);
      return Buffer.from(buffer, 0, size);
    } catch {
      // The engine may refuse more memories than its address space holds: the same memory, off the boundary.
    }
  }
  return Buffer.from(new SharedArrayBuffer(size));
}

/** Whether `view` starts on a page boundary of memory from `alignedShared`. */
export function onPageBoundary(view: Uint8Array): boolean {
  return aligned.has(view.buffer) && view.byteOffset % DIRECT_ALIGN === 0;
}
