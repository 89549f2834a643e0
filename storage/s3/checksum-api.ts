// Stand-in for sdk-compat/checksums/checksum.ts (branch s3wire) until it is merged; same API.
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { Crc32c } from "@aws-crypto/crc32c";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256" | "MD5";

export interface Checksum {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case "CRC32": {
      let value = 0;
      return { update: (c) => void (value = crc32(c, value)), digest: () => u32(value) };
    }
    case "CRC32C": {
      const c = new Crc32c();
      return { update: (chunk) => void c.update(chunk), digest: () => u32(c.digest()) };
    }
    case "SHA1":
    case "SHA256":
    case "MD5": {
      const h = createHash(algorithm === "SHA1" ? "sha1" : algorithm === "SHA256" ? "sha256" : "md5");
      return { update: (c) => void h.update(c), digest: () => h.digest() };
    }
    default:
      throw new Error(`stand-in: ${algorithm} not available yet`);
  }
}

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

export function combineFullObjectCrc(_algorithm: ChecksumAlgorithm, _parts: { checksum: Buffer; length: number }[]): Buffer {
  throw new Error("stand-in: combineFullObjectCrc not available yet");
}

export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: Buffer[]): string {
  const c = createChecksum(algorithm);
  for (const p of partChecksums) c.update(p);
  return `${c.digest().toString("base64")}-${partChecksums.length}`;
}

/** Stand-in for sdk-compat/aws-chunked/trailers.ts. */
export function payloadTrailers(_stream: unknown): Record<string, string> | undefined {
  return undefined;
}
