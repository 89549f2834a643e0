// The wire helpers S3 uses from sdk-compat; payloadTrailers is a stand-in until sdk-compat/aws-chunked lands.
export type { ChecksumAlgorithm } from "../../sdk-compat/checksums/checksum.js";
export { createChecksum, checksumHeaderName } from "../../sdk-compat/checksums/checksum.js";
export { combineFullObjectCrc, compositeChecksum } from "../../sdk-compat/checksums/multipart-checksum.js";

export function payloadTrailers(_stream: unknown): Record<string, string> | undefined {
  return undefined;
}
