import type { Readable } from "node:stream";
import { AwsChunkedDecoder, type ChunkSignatureVerifier } from "./chunked-decoder.js";
import { ChunkedErrors } from "./chunked-errors.js";

type Headers = Record<string, string | undefined>;

/**
 * Whether the body is aws-chunked framing rather than the payload itself: any STREAMING-*
 * payload hash (signed, unsigned, with or without trailer) or Content-Encoding naming aws-chunked.
 */
export function isAwsChunked(headers: Headers): boolean {
  if (headers["x-amz-content-sha256"]?.startsWith("STREAMING-")) return true;
  return encodings(headers["content-encoding"]).includes("aws-chunked");
}

function encodings(value: string | undefined): string[] {
  return value ? value.split(",").map((e) => e.trim().toLowerCase()).filter((e) => e !== "") : [];
}

/**
 * The request as the protocol layer should see it once the framing is gone: the decoding stream
 * as the body, Content-Length set to x-amz-decoded-content-length (or removed when the client did
 * not declare it), and aws-chunked removed from Content-Encoding (the object's own encoding,
 * e.g. gzip, stays). Throws S3's error for an unusable x-amz-decoded-content-length.
 */
export function decodeAwsChunkedRequest(headers: Headers, body: Readable, verifier?: ChunkSignatureVerifier): { headers: Headers; stream: AwsChunkedDecoder } {
  const declared = headers["x-amz-decoded-content-length"];
  let decodedLength: number | undefined;
  if (declared !== undefined) {
    if (!/^\d{1,15}$/.test(declared.trim())) throw ChunkedErrors.badDecodedLength(declared);
    decodedLength = Number(declared.trim());
  }
  const trailerHeader = headers["x-amz-trailer"];
  const declaredTrailers = trailerHeader === undefined ? undefined : trailerHeader.split(",").map((t) => t.trim().toLowerCase()).filter((t) => t !== "");
  const stream = new AwsChunkedDecoder({ decodedLength, declaredTrailers, verifier });
  // Framing errors reach the consumer through its own read (for await, pipeline); this listener
  // only keeps a body nobody reads (a request refused before its handler) from crashing the process.
  stream.on("error", () => {});
  // pipe() rather than pipeline(): a decoding error must not destroy the socket's request stream,
  // which the dispatcher drains so the error answer can still be written.
  body.on("error", () => stream.destroy(ChunkedErrors.malformed()));
  body.pipe(stream);
  const decoded: Headers = { ...headers };
  if (decodedLength === undefined) delete decoded["content-length"];
  else decoded["content-length"] = String(decodedLength);
  const rest = encodings(headers["content-encoding"]).filter((e) => e !== "aws-chunked");
  if (rest.length === 0) delete decoded["content-encoding"];
  else decoded["content-encoding"] = rest.join(", ");
  return { headers: decoded, stream };
}
