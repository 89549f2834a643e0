import { ServiceError } from "../errors/service-error.js";
import type { ChecksumAlgorithm } from "./checksum.js";
import { checksumHeaderName, checksumLength } from "./checksum.js";

/** S3's answers when a client-supplied checksum is unusable or does not match the bytes. */
export const ChecksumErrors = {
  /** BadDigest (400): the payload's checksum differs from the one sent (header or trailer). */
  mismatch: (algorithm: ChecksumAlgorithm) => new ServiceError("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`),
  /** InvalidRequest (400): an x-amz-checksum-* value that is not base64 of the right length. */
  invalidValue: (algorithm: ChecksumAlgorithm) => new ServiceError("InvalidRequest", `Value for ${checksumHeaderName(algorithm)} header is invalid.`),
  /** BadDigest (400) for Content-MD5. */
  contentMd5Mismatch: () => new ServiceError("BadDigest", "The Content-MD5 you specified did not match what we received."),
  /** InvalidDigest (400): Content-MD5 that is not base64 of 16 bytes. */
  invalidContentMd5: () => new ServiceError("InvalidDigest", "The Content-MD5 you specified is not valid."),
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The digest bytes of a client-sent checksum value (header or trailer), validated: S3 refuses a
 * value that is not base64 or not the algorithm's length before looking at the payload.
 */
export function decodeChecksumValue(algorithm: ChecksumAlgorithm, value: string): Buffer {
  const trimmed = value.trim();
  const bytes = Buffer.from(trimmed, "base64");
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0 || bytes.length !== checksumLength(algorithm)) throw ChecksumErrors.invalidValue(algorithm);
  return bytes;
}

/** The 16 bytes of a Content-MD5 header, or InvalidDigest. */
export function decodeContentMd5(value: string): Buffer {
  const trimmed = value.trim();
  const bytes = Buffer.from(trimmed, "base64");
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0 || bytes.length !== 16) throw ChecksumErrors.invalidContentMd5();
  return bytes;
}
