import type { Readable } from "node:stream";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** Bodies the engine reads whole (everything but object and block payloads) stay under this. */
export const MAX_BUFFERED_BODY = 4 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Whether HTTP/1.1 framing promises no body at all (no Content-Length, or 0, and no
 * Transfer-Encoding), so reading can be skipped: most GETs and HEADs. Only the HTTP transport may
 * conclude this from headers; other transports say so themselves (RawRequest.bodyless).
 */
export function httpFramingHasNoBody(headers: Record<string, string | undefined>): boolean {
  return headers["transfer-encoding"] === undefined && (headers["content-length"] === undefined || headers["content-length"] === "0");
}

export async function readBody(stream: Readable, limit = MAX_BUFFERED_BODY, bodyless = false): Promise<Buffer> {
  if (bodyless) {
    stream.resume();
    return EMPTY;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.resume();
      throw new ServiceError("RequestEntityTooLarge", `The request body exceeds the ${limit} bytes cloudbox reads for this operation.`, { status: 413 });
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
