import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { Crc32c } from "./crc32c.js";
import { Crc64Nvme } from "./crc64-nvme.js";

/**
 * The checksums S3 computes over object bytes (x-amz-checksum-<lower-case name> on the wire,
 * base64 of the big-endian digest). MD5 here is the flexible-checksum MD5 (x-amz-checksum-md5);
 * Content-MD5 is the same digest under a different header.
 */
export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The CRCs whose checksums of parts combine into the checksum of the whole (FULL_OBJECT). */
export const CRC_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME"] as const;
export type CrcAlgorithm = (typeof CRC_ALGORITHMS)[number];

/** A running checksum: feed chunks as they stream by, then take the digest once. */
export interface Checksum {
  update(chunk: Uint8Array): void;
  /** Big-endian bytes (4 for CRC32/CRC32C, 8 for CRC64NVME). Call once, after the last update. */
  digest(): Buffer;
}

export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

export function isCrcAlgorithm(value: string): value is CrcAlgorithm {
  return (CRC_ALGORITHMS as readonly string[]).includes(value);
}

function uint32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

// zlib.crc32 (Node 20.15 and later, hence package.json's engines) is native and carries a running value.
function crc32(): Checksum {
  let value = 0;
  return {
    update: (chunk) => {
      value = zlib.crc32(chunk, value);
    },
    digest: () => uint32(value),
  };
}

function hash(name: string): Checksum {
  const h = createHash(name);
  return { update: (chunk) => void h.update(chunk), digest: () => h.digest() };
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case "CRC32":
      return crc32();
    case "CRC32C":
      return new Crc32c();
    case "CRC64NVME":
      return new Crc64Nvme();
    case "SHA1":
      return hash("sha1");
    case "SHA256":
      return hash("sha256");
    case "SHA512":
      return hash("sha512");
    case "MD5":
      return hash("md5");
  }
}

/** The request/response header carrying this checksum, e.g. "x-amz-checksum-crc32". */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** Digest length in bytes, to validate a client-sent base64 value before comparing. */
export function checksumLength(algorithm: ChecksumAlgorithm): number {
  switch (algorithm) {
    case "CRC32":
    case "CRC32C":
      return 4;
    case "CRC64NVME":
      return 8;
    case "SHA1":
      return 20;
    case "SHA256":
      return 32;
    case "SHA512":
      return 64;
    case "MD5":
      return 16;
  }
}

/** One-shot convenience for small buffers (tests, part-checksum lists). */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): Buffer {
  const c = createChecksum(algorithm);
  c.update(data);
  return c.digest();
}

// The multipart forms and the error helpers live in their own modules; re-exported so callers
// can import the whole checksum API from this one file.
export { combineFullObjectCrc, compositeChecksum } from "./multipart-checksum.js";
export { ChecksumErrors, decodeChecksumValue, decodeContentMd5 } from "./checksum-errors.js";
