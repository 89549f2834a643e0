import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { BlobInfo, BlobStore } from "../blobs/blob-store.js";
import type { ChecksumAlgorithm } from "../../sdk-compat/checksums/checksum.js";
import { createChecksum } from "../../sdk-compat/checksums/checksum.js";
import { payloadTrailers } from "../../sdk-compat/aws-chunked/trailers.js";
import { S3Errors } from "./s3-errors.js";

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

/** The checksum members of PutObject/UploadPart input and of every output that returns one. */
export type ChecksumFields = Partial<Record<`Checksum${ChecksumAlgorithm}`, string>>;

export interface BodyInput extends ChecksumFields {
  Body?: unknown;
  ContentLength?: number;
  ContentMD5?: string;
  ChecksumAlgorithm?: string;
}

export interface WrittenBody {
  blob: BlobInfo;
  /** Hex MD5 of the bytes: the ETag of a single-part object or of a part. */
  md5: string;
  /** Base64 checksum the client sent or asked for (or the upload requires). */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

function asAlgorithm(name: string | undefined): ChecksumAlgorithm | undefined {
  if (!name) return undefined;
  const upper = name.toUpperCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(upper)) throw S3Errors.invalidRequest(`Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]`);
  return upper;
}

/** The algorithm a request names: a checksum header it sent, else x-amz-sdk-checksum-algorithm. */
function requestedAlgorithm(input: BodyInput): { algorithm?: ChecksumAlgorithm; expected?: string } {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = input[`Checksum${algorithm}`];
    if (value !== undefined) return { algorithm, expected: value };
  }
  return { algorithm: asAlgorithm(input.ChecksumAlgorithm) };
}

/** Bodies up to this size (by Content-Length) are gathered with plain events: async iteration costs more than the write. */
const SMALL_BODY = 64 * 1024;

function collect(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.destroy();
        reject(S3Errors.invalidRequest("The request body is longer than its Content-Length."));
        return;
      }
      chunks.push(chunk);
    });
    stream.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    stream.once("error", reject);
  });
}

/**
 * Streams a request body into a new blob while computing its MD5 and checksum, then verifies what
 * the client declared (Content-MD5, a checksum header or an aws-chunked trailer). A mismatch or an
 * oversized body discards the blob and throws the S3 error; nothing is buffered whole.
 */
export async function writeBody(blobs: BlobStore, input: BodyInput, maxSize: number, required?: ChecksumAlgorithm): Promise<WrittenBody> {
  const contentLength = input.ContentLength;
  const requested = requestedAlgorithm(input);
  if (required && requested.algorithm && requested.algorithm !== required) {
    throw S3Errors.invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${required.toLowerCase()}, actual checksum Type: ${requested.algorithm.toLowerCase()}`);
  }
  const algorithm = required ?? requested.algorithm;
  let contentMd5: Buffer | undefined;
  if (input.ContentMD5 !== undefined) {
    contentMd5 = Buffer.from(input.ContentMD5, "base64");
    if (contentMd5.length !== 16) throw S3Errors.invalidDigest(input.ContentMD5);
  }
  const md5 = createHash("md5");
  const checksum = algorithm ? createChecksum(algorithm) : undefined;
  let size = 0;
  const body = input.Body;
  let source = body === undefined || body === null ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body) : (body as AsyncIterable<Uint8Array> | Uint8Array);
  if (source instanceof Readable && contentLength !== undefined && contentLength <= SMALL_BODY) source = await collect(source, SMALL_BODY);
  const blob = await blobs.write(source, (chunk) => {
    size += chunk.length;
    if (size > maxSize) throw S3Errors.entityTooLarge(size, maxSize);
    md5.update(chunk);
    checksum?.update(chunk);
  });
  const digest = md5.digest();
  try {
    if (contentMd5 && !contentMd5.equals(digest)) {
      throw S3Errors.badDigest("The Content-MD5 you specified did not match what we received.", { ExpectedDigest: contentMd5.toString("hex"), CalculatedDigest: digest.toString("base64") });
    }
    let written: WrittenBody["checksum"];
    if (algorithm && checksum) {
      const value = checksum.digest().toString("base64");
      const trailers = payloadTrailers(body);
      const expected = requested.expected ?? trailers?.[`x-amz-checksum-${algorithm.toLowerCase()}`];
      if (expected !== undefined && expected !== value) throw S3Errors.badDigest(`The ${algorithm} you specified did not match the calculated checksum.`);
      written = { algorithm, value };
    }
    return { blob, md5: digest.toString("hex"), checksum: written };
  } catch (error) {
    blobs.discard(blob.id);
    throw error;
  }
}
