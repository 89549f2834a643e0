import type { CrcAlgorithm } from "./checksum.js";

/**
 * The CRC of A‖B from crc(A), crc(B) and |B|, for reflected CRCs whose init equals their xorout
 * (true of CRC32, CRC32C and CRC64NVME). Processing |B| more bytes multiplies the register by
 * x^(8·|B|) modulo the polynomial and the constant terms cancel, so
 *   crc(A‖B) = crc(A) · x^(8·|B|) mod P  ⊕  crc(B).
 * Polynomials are in reflected bit order: the top bit of the width is x^0.
 * BigInt keeps one implementation for all widths; combining runs once per part, and powers are
 * cached per length because parts of one upload almost always share a size.
 */
interface CrcSpec {
  width: bigint;
  poly: bigint;
  /** x^0 in reflected order. */
  one: bigint;
  /** x^(8·2^k) mod P for k = 0..63: square-and-multiply steps for any byte count. */
  powers: bigint[];
  cache: Map<number, bigint>;
}

function multiply(spec: CrcSpec, a: bigint, b: bigint): bigint {
  let product = 0n;
  for (let bit = spec.one; bit !== 0n; bit >>= 1n) {
    if (a & bit) product ^= b;
    b = b & 1n ? (b >> 1n) ^ spec.poly : b >> 1n;
  }
  return product;
}

function spec(width: number, poly: bigint): CrcSpec {
  const s: CrcSpec = { width: BigInt(width), poly, one: 1n << BigInt(width - 1), powers: [], cache: new Map() };
  let power = s.one >> 8n; // x^8
  for (let k = 0; k < 64; k++) {
    s.powers.push(power);
    power = multiply(s, power, power);
  }
  return s;
}

const SPECS: Record<CrcAlgorithm, CrcSpec> = {
  CRC32: spec(32, 0xedb88320n),
  CRC32C: spec(32, 0x82f63b78n),
  CRC64NVME: spec(64, 0x9a6c9329ac4bc9b5n),
};

/** x^(8·bytes) mod P. */
function shiftOperator(s: CrcSpec, bytes: number): bigint {
  let cached = s.cache.get(bytes);
  if (cached !== undefined) return cached;
  let result = s.one;
  let n = BigInt(bytes);
  for (let k = 0; n > 0n; k++, n >>= 1n) if (n & 1n) result = multiply(s, result, s.powers[k]!);
  if (s.cache.size < 64) s.cache.set(bytes, result);
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString("hex") || "0"}`);
}

function toBytes(value: bigint, width: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(Number(width / 4n), "0"), "hex");
}

/** crc(A‖B) given crc(A), crc(B) (big-endian digests) and the length of B in bytes. */
export function crcCombine(algorithm: CrcAlgorithm, crcA: Buffer, crcB: Buffer, lengthB: number): Buffer {
  const s = SPECS[algorithm];
  return toBytes(multiply(s, shiftOperator(s, lengthB), toBigInt(crcA)) ^ toBigInt(crcB), s.width);
}

/** The CRC of the empty string: init ⊕ xorout, which is 0 for all three. */
export function emptyCrc(algorithm: CrcAlgorithm): Buffer {
  return Buffer.alloc(Number(SPECS[algorithm].width / 8n));
}
