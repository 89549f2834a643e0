import { ServiceError } from "../errors/service-error.js";
import type { ChecksumAlgorithm } from "./checksum.js";
import { checksumLength, checksumOf, isCrcAlgorithm } from "./checksum.js";
import { crcCombine, emptyCrc } from "./crc-combine.js";

/**
 * A multipart object's checksum, two ways (S3's ChecksumType):
 *  - COMPOSITE: the checksum of the parts' binary checksums concatenated in part order, suffixed
 *    "-<part count>" (like the md5-N ETag). Not a checksum of the object's bytes.
 *  - FULL_OBJECT (CRCs only): the CRC of the whole object's bytes, derived from each part's CRC
 *    and length without reading the bytes again.
 */

/** base64(checksum(part₁‖part₂‖…)) + "-N". */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: Buffer[]): string {
  const length = checksumLength(algorithm);
  for (const part of partChecksums) {
    if (part.length !== length) throw new RangeError(`${algorithm} part checksum must be ${length} bytes, got ${part.length}`);
  }
  return `${checksumOf(algorithm, Buffer.concat(partChecksums)).toString("base64")}-${partChecksums.length}`;
}

/** The CRC of the concatenated parts as big-endian bytes (base64 it for the wire). */
export function combineFullObjectCrc(algorithm: ChecksumAlgorithm, parts: { checksum: Buffer; length: number }[]): Buffer {
  if (!isCrcAlgorithm(algorithm)) {
    throw new ServiceError("InvalidRequest", `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  let combined = emptyCrc(algorithm);
  for (const part of parts) combined = crcCombine(algorithm, combined, part.checksum, part.length);
  return combined;
}
