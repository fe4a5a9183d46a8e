// CRC-32C (Castagnoli, reflected poly 0x82f63b78), slicing-by-8, as S3's x-amz-checksum-crc32c.

const T = new Uint32Array(256 * 8);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[i] = c >>> 0;
}
for (let t = 1; t < 8; t++) {
  for (let i = 0; i < 256; i++) {
    const p = T[(t - 1) * 256 + i]!;
    T[t * 256 + i] = ((p >>> 8) ^ T[p & 0xff]!) >>> 0;
  }
}

export class Crc32c {
  #c = 0xffffffff;

  update(d: Uint8Array): this {
    let c = this.#c;
    let i = 0;
    const n = d.length;
    const end8 = n - (n % 8);
    while (i < end8) {
      const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
      c =
        T[1792 + (a & 0xff)]! ^
        T[1536 + ((a >>> 8) & 0xff)]! ^
        T[1280 + ((a >>> 16) & 0xff)]! ^
        T[1024 + (a >>> 24)]! ^
        T[768 + d[i + 4]!]! ^
        T[512 + d[i + 5]!]! ^
        T[256 + d[i + 6]!]! ^
        T[d[i + 7]!]!;
      i += 8;
    }
    while (i < n) c = (c >>> 8) ^ T[(c ^ d[i++]!) & 0xff]!;
    this.#c = c >>> 0;
    return this;
  }

  digestNumber(): number {
    return (this.#c ^ 0xffffffff) >>> 0;
  }

  /** Big-endian bytes, base64. */
  digest(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.digestNumber());
    return b.toString('base64');
  }
}
