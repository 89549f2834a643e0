/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones), as S3's
 * x-amz-checksum-crc64nvme. Written here rather than taken from @aws-sdk/crc64-nvme because that
 * package only offers an async digest() and S3 needs a synchronous one while streaming.
 *
 * The 64-bit register is kept as two uint32 halves (hi, lo) so the hot loop stays in small-integer
 * arithmetic; eight tables let it consume eight bytes per step (slicing-by-8).
 */
const POLY = 0x9a6c9329ac4bc9b5n;
const SLICES = 8;

/** TABLES[s][2*i] / [2*i+1]: high / low half of byte i advanced through (s+1)*8 zero bits. */
const TABLES: Uint32Array[] = (() => {
  const tables: Uint32Array[] = [];
  const base: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
    base.push(crc);
  }
  let current = base.slice();
  for (let s = 0; s < SLICES; s++) {
    const table = new Uint32Array(512);
    for (let i = 0; i < 256; i++) {
      table[2 * i] = Number(current[i]! >> 32n);
      table[2 * i + 1] = Number(current[i]! & 0xffffffffn);
    }
    tables.push(table);
    // one more byte of zeros: shift out the low byte through the base table
    current = current.map((crc) => (crc >> 8n) ^ base[Number(crc & 0xffn)]!);
  }
  return tables;
})();

export class Crc64Nvme {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): void {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const end8 = data.length - (data.length % 8);
    while (i < end8) {
      // the register's low byte meets the first data byte; the eight bytes in flight index the
      // table for the number of bytes still to follow them
      const a0 = ((lo ^ data[i]!) & 0xff) << 1;
      const a1 = (((lo >>> 8) ^ data[i + 1]!) & 0xff) << 1;
      const a2 = (((lo >>> 16) ^ data[i + 2]!) & 0xff) << 1;
      const a3 = (((lo >>> 24) ^ data[i + 3]!) & 0xff) << 1;
      const a4 = ((hi ^ data[i + 4]!) & 0xff) << 1;
      const a5 = (((hi >>> 8) ^ data[i + 5]!) & 0xff) << 1;
      const a6 = (((hi >>> 16) ^ data[i + 6]!) & 0xff) << 1;
      const a7 = (((hi >>> 24) ^ data[i + 7]!) & 0xff) << 1;
      hi = t7[a0]! ^ t6[a1]! ^ t5[a2]! ^ t4[a3]! ^ t3[a4]! ^ t2[a5]! ^ t1[a6]! ^ t0[a7]!;
      lo = t7[a0 + 1]! ^ t6[a1 + 1]! ^ t5[a2 + 1]! ^ t4[a3 + 1]! ^ t3[a4 + 1]! ^ t2[a5 + 1]! ^ t1[a6 + 1]! ^ t0[a7 + 1]!;
      i += 8;
    }
    for (; i < data.length; i++) {
      const a = ((lo ^ data[i]!) & 0xff) << 1;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ t0[a + 1]!;
      hi = (hi >>> 8) ^ t0[a]!;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  /** The big-endian 8-byte checksum of everything seen so far. */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}
